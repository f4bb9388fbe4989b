import { type HouseholdEvent, monitoringRegimeOn } from '@registry/schema';
import { advance, rejection } from './cases.js';
import { refuse, requireReason, requireStatus, requireStep } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 识别: the household applies, the village reviews (also an exit case's first step) and posts
 * a notice, the township reviews and posts, agencies' data is compared, the county approves
 * and cards the household. Every step in order; any can reject, with a reason.
 */
export const decide: Deciders<
  | 'ApplyForRegistration'
  | 'RecordVillageReview'
  | 'RecordTownshipReview'
  | 'RecordDataComparison'
  | 'ApproveRegistration'
  | 'RejectApplication'
> = {
  ApplyForRegistration: (command, state, ctx) => {
    requireStatus(state, ['none', 'rejected', 'removed', 'unregistered'], 'apply');
    // 建档立卡 identification ended with 2020: from the policy's date a household at risk enters
    // through monitoring (a risk alert, its verification, the identification of a monitored household).
    const regime = monitoringRegimeOn(ctx.policy, ctx.effectiveAt);
    if (regime) {
      refuse(
        'REGISTRATION_CLOSED',
        `no application for registration is taken effective ${ctx.effectiveAt}: from ${regime.from} households at risk enter through monitoring (record a risk alert)`,
        { effectiveAt: ctx.effectiveAt, monitoringFrom: regime.from },
      );
    }
    return [{ type: 'ApplicationSubmitted', data: { householdId: ctx.householdId, ...command.data } }];
  },

  RecordVillageReview: (command, state, ctx) => {
    const open = requireStep(state, 'any', 'village_review');
    const review: HouseholdEvent = { type: 'VillageReviewRecorded', data: { case: open.kind, ...command.data } };
    if (command.data.approved) return [review];
    const reason = requireReason(ctx, 'record a rejecting review');
    return [review, rejection(open, reason, state, ctx)];
  },

  RecordTownshipReview: (command, state, ctx) => {
    // An application's, or a monitored household's identification (识别认定): the same review.
    const open = requireStep(state, 'any', 'township_review');
    const review: HouseholdEvent = { type: 'TownshipReviewRecorded', data: command.data };
    if (command.data.approved) return [review];
    return [review, rejection(open, requireReason(ctx, 'record a rejecting review'), state, ctx)];
  },

  RecordDataComparison: (command, state) => {
    requireStep(state, 'identification', 'data_comparison');
    return [{ type: 'DataComparisonRecorded', data: command.data }];
  },

  ApproveRegistration: (command, state) => {
    requireStep(state, 'identification', 'county_approval');
    const disqualifying = state.comparisonFindings.filter((f) => f.disqualifying);
    if (disqualifying.length > 0) {
      refuse('DISQUALIFYING_FINDINGS', 'data comparison found what rules the household out; reject the application', {
        findings: disqualifying,
      });
    }
    return [{ type: 'RegistrationApproved', data: command.data }];
  },

  RejectApplication: (_command, state, ctx) => {
    const open = state.case;
    if (open?.kind !== 'identification') refuse('NO_OPEN_CASE', 'there is no open identification case');
    return [rejection(open, requireReason(ctx, 'reject an application'), state, ctx)];
  },
};

export const evolve: Evolvers<
  | 'ApplicationSubmitted'
  | 'VillageReviewRecorded'
  | 'TownshipReviewRecorded'
  | 'DataComparisonRecorded'
  | 'RegistrationApproved'
  | 'ApplicationRejected'
> = {
  ApplicationSubmitted: (state, event) => ({
    ...state,
    status: 'applicant',
    householdId: event.data.householdId,
    household: event.data.household,
    members: Object.fromEntries(event.data.members.map((m) => [m.memberId, m])),
    headMemberId: event.data.members.find((m) => m.relation === 'head')?.memberId,
    case: { kind: 'identification', step: 'village_review' },
    comparisonFindings: [],
  }),
  VillageReviewRecorded: (state, event) => (event.data.approved ? { ...state, case: advance(state) } : state),
  TownshipReviewRecorded: (state, event) => (event.data.approved ? { ...state, case: advance(state) } : state),
  DataComparisonRecorded: (state, event) => ({
    ...state,
    comparisonFindings: event.data.findings,
    case: advance(state),
  }),
  RegistrationApproved: (state, event) => ({
    ...state,
    status: 'registered',
    case: undefined,
    registration: { ...event.data, registeredOn: event.effectiveAt },
  }),
  ApplicationRejected: (state) => ({ ...state, status: 'rejected', case: undefined }),
};
