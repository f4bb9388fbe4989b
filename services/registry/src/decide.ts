import {
  addDays,
  type HouseholdCommand,
  type HouseholdEvent,
  HouseholdEvents,
  type HouseholdEventType,
  type Member,
  type Policy,
} from '@registry/schema';
import { evaluateExit } from './criteria.js';
import { HouseholdNotFound, RuleViolation, ValidationError } from './errors.js';
import { deriveId } from './ids.js';
import { ASSISTED, type HouseholdState, type Status } from './state.js';
import { STEP_NAMES } from './steps.js';

export interface DecideContext {
  commandId: string;
  householdId: string;
  /** The command's business date. */
  effectiveAt: string;
  reason?: string;
  policy: Policy;
  /** An earlier event of this household's stream, for corrections. */
  findEvent(eventId: string): { type: string; data: unknown } | undefined;
}

/** Data fields a correction may not change: they identify what the event is about. */
export const CORRECTION_KEYS: Partial<Record<HouseholdEventType, (data: Record<string, unknown>) => unknown>> = {
  ApplicationSubmitted: (d) => d.householdId,
  MemberAdded: (d) => (d.member as { memberId?: unknown } | undefined)?.memberId,
  MemberUpdated: (d) => d.memberId,
  ConditionsAssessed: (d) => d.assessmentId,
  HelperAssigned: (d) => (d.helper as { helperId?: unknown } | undefined)?.helperId,
  AssistancePlanned: (d) => d.measureId,
  AssistanceDelivered: (d) => d.measureId,
  VisitRecorded: (d) => d.visitId,
  RegistrationApproved: () => null,
  ReturnedToPoverty: () => null,
  DataComparisonRecorded: () => null,
  MonitoringStarted: (d) => d.householdId,
};
/** Events recorded in error that may be voided without breaking the case steps around them. */
export const VOIDABLE: readonly HouseholdEventType[] = ['ConditionsAssessed', 'AssistanceDelivered', 'VisitRecorded'];

const year = (date: string) => Number(date.slice(0, 4));

function refuse(rule: string, message: string, facts: Record<string, unknown> = {}): never {
  throw new RuleViolation(rule, message, facts);
}

function requireReason(ctx: DecideContext, what: string): string {
  if (!ctx.reason) throw new ValidationError([{ path: 'reason', message: `is required to ${what}` }]);
  return ctx.reason;
}

function requireExists(state: HouseholdState, ctx: DecideContext): void {
  if (state.status === 'none') throw new HouseholdNotFound(ctx.householdId);
}

function requireStatus(state: HouseholdState, allowed: readonly Status[], action: string): void {
  if (!allowed.includes(state.status)) {
    refuse('STATUS', `cannot ${action}: the household is ${state.status}, must be ${allowed.join(' or ')}`, {
      status: state.status,
      allowed,
    });
  }
}

function requireStep(state: HouseholdState, kind: 'identification' | 'exit' | 'any', step: string | string[]) {
  const open = state.case;
  const steps = Array.isArray(step) ? step : [step];
  if (!open || (kind !== 'any' && open.kind !== kind)) {
    refuse('NO_OPEN_CASE', `there is no open ${kind === 'any' ? '' : `${kind} `}case`, { status: state.status });
  }
  if (!steps.includes(open.step)) {
    refuse(
      'OUT_OF_ORDER',
      `the ${open.kind} case is at ${STEP_NAMES[open.step]}, not ${steps.map((s) => STEP_NAMES[s as keyof typeof STEP_NAMES]).join(' or ')}`,
      { expectedStep: open.step, attemptedStep: steps },
    );
  }
  if (open.notice && !steps.some((s) => s.endsWith('_notice'))) {
    refuse('NOTICE_OPEN', 'a public notice is still open', { noticeId: open.notice.noticeId });
  }
  return open;
}

function requireAssisted(state: HouseholdState, action: string): void {
  if (!ASSISTED.includes(state.status) && !state.monitoring) {
    refuse(
      'NOT_ASSISTED',
      `cannot ${action}: only registered, returned or exited households, or monitored ones, receive assistance`,
      { status: state.status },
    );
  }
}

function checkNewMember(state: HouseholdState, member: Member): void {
  if (state.members[member.memberId]) refuse('MEMBER_EXISTS', `member ${member.memberId} is already in the household`);
  if (Object.values(state.members).some((m) => m.nationalId === member.nationalId)) {
    refuse('NATIONAL_ID_EXISTS', 'a member with this national ID number is already in the household');
  }
  if (member.relation === 'head') {
    refuse('HEAD_EXISTS', 'the household has a head; name a new head when the head leaves (RemoveMember)');
  }
}

/**
 * Decides what a command means for a household: the events to record, or a refusal that
 * names the rule. Pure: time, actor and ids come in through the context.
 */
export function decide(command: HouseholdCommand, state: HouseholdState, ctx: DecideContext): HouseholdEvent[] {
  if (state.status === 'decreased') {
    refuse('HOUSEHOLD_CLOSED', 'the household was recorded as a natural decrease; nothing may follow', {
      decreasedOn: state.decreasedOn,
    });
  }
  const id = (name: string) => deriveId(ctx.commandId, name);
  const on = ctx.effectiveAt;

  switch (command.type) {
    case 'ApplyForRegistration': {
      requireStatus(state, ['none', 'rejected', 'removed', 'unregistered'], 'apply');
      return [{ type: 'ApplicationSubmitted', data: { householdId: ctx.householdId, ...command.data } }];
    }

    case 'RecordVillageReview': {
      requireExists(state, ctx);
      const open = requireStep(state, 'any', 'village_review');
      const review: HouseholdEvent = { type: 'VillageReviewRecorded', data: { case: open.kind, ...command.data } };
      if (command.data.approved) return [review];
      const reason = requireReason(ctx, 'record a rejecting review');
      return [review, rejection(open.kind, 'village_review', reason, state, ctx)];
    }

    case 'OpenPublicNotice': {
      requireExists(state, ctx);
      const open = requireStep(state, 'any', ['village_notice', 'township_notice']);
      if (open.notice) refuse('NOTICE_OPEN', 'a public notice is already open', { noticeId: open.notice.noticeId });
      return [
        {
          type: 'PublicNoticeOpened',
          data: {
            noticeId: command.data.noticeId ?? id('notice'),
            case: open.kind,
            level: open.step === 'village_notice' ? 'village' : 'township',
            openedOn: on,
            closesOn: addDays(on, ctx.policy.noticeDays),
          },
        },
      ];
    }

    case 'RecordObjection': {
      requireExists(state, ctx);
      const notice = state.case?.notice;
      if (!notice) refuse('NO_OPEN_NOTICE', 'there is no open public notice to object to');
      if (on < notice.openedOn || on > notice.closesOn) {
        refuse('OUTSIDE_NOTICE_PERIOD', `objections are taken from ${notice.openedOn} to ${notice.closesOn}`, {
          openedOn: notice.openedOn,
          closesOn: notice.closesOn,
        });
      }
      return [
        {
          type: 'ObjectionRecorded',
          data: {
            noticeId: notice.noticeId,
            objectionId: command.data.objectionId ?? id('objection'),
            summary: command.data.summary,
          },
        },
      ];
    }

    case 'ResolveObjection': {
      requireExists(state, ctx);
      const open = state.case;
      const objection = open?.notice?.objections[command.data.objectionId];
      if (!open || !objection)
        refuse('NO_SUCH_OBJECTION', `no objection ${command.data.objectionId} on the open notice`);
      if (objection.resolved) refuse('OBJECTION_RESOLVED', 'the objection is already resolved');
      const resolved: HouseholdEvent = { type: 'ObjectionResolved', data: command.data };
      if (command.data.consequence !== 'rejected') return [resolved];
      return [resolved, rejection(open.kind, open.step, command.data.resolution, state, ctx)];
    }

    case 'ClosePublicNotice': {
      requireExists(state, ctx);
      const notice = state.case?.notice;
      if (!notice) refuse('NO_OPEN_NOTICE', 'there is no open public notice');
      if (on < notice.closesOn) {
        refuse('NOTICE_PERIOD_NOT_OVER', `the notice runs until ${notice.closesOn}; it cannot close on ${on}`, {
          closesOn: notice.closesOn,
        });
      }
      const pending = Object.entries(notice.objections).filter(([, o]) => !o.resolved);
      if (pending.length > 0) {
        refuse('OBJECTIONS_PENDING', `${pending.length} objection(s) must be resolved before the notice closes`, {
          objectionIds: pending.map(([objectionId]) => objectionId),
        });
      }
      return [{ type: 'PublicNoticeClosed', data: { noticeId: notice.noticeId, closedOn: on } }];
    }

    case 'RecordTownshipReview': {
      requireExists(state, ctx);
      requireStep(state, 'identification', 'township_review');
      const review: HouseholdEvent = { type: 'TownshipReviewRecorded', data: command.data };
      if (command.data.approved) return [review];
      return [
        review,
        rejection('identification', 'township_review', requireReason(ctx, 'record a rejecting review'), state, ctx),
      ];
    }

    case 'RecordDataComparison': {
      requireExists(state, ctx);
      requireStep(state, 'identification', 'data_comparison');
      return [{ type: 'DataComparisonRecorded', data: command.data }];
    }

    case 'ApproveRegistration': {
      requireExists(state, ctx);
      requireStep(state, 'identification', 'county_approval');
      const disqualifying = state.comparisonFindings.filter((f) => f.disqualifying);
      if (disqualifying.length > 0) {
        refuse('DISQUALIFYING_FINDINGS', 'data comparison found what rules the household out; reject the application', {
          findings: disqualifying,
        });
      }
      return [{ type: 'RegistrationApproved', data: command.data }];
    }

    case 'RejectApplication': {
      requireExists(state, ctx);
      const open = state.case;
      if (open?.kind !== 'identification') refuse('NO_OPEN_CASE', 'there is no open identification case');
      return [rejection('identification', open.step, requireReason(ctx, 'reject an application'), state, ctx)];
    }

    case 'AddMember': {
      requireExists(state, ctx);
      checkNewMember(state, command.data.member);
      return [{ type: 'MemberAdded', data: command.data }];
    }

    case 'RemoveMember': {
      requireExists(state, ctx);
      const { memberId, newHeadMemberId } = command.data;
      if (!state.members[memberId]) refuse('NO_SUCH_MEMBER', `member ${memberId} is not in the household`);
      if (Object.keys(state.members).length === 1) {
        refuse('LAST_MEMBER', 'the last member cannot be removed; record a natural decrease (died out) instead');
      }
      const isHead = state.headMemberId === memberId;
      if (isHead && !newHeadMemberId) refuse('NEW_HEAD_REQUIRED', 'the head of household leaves: name the new head');
      if (!isHead && newHeadMemberId) refuse('NOT_HEAD', 'only removing the head names a new head');
      if (newHeadMemberId && (newHeadMemberId === memberId || !state.members[newHeadMemberId])) {
        refuse('NO_SUCH_MEMBER', `the new head ${newHeadMemberId} must be another member of the household`);
      }
      return [{ type: 'MemberRemoved', data: command.data }];
    }

    case 'UpdateMember': {
      requireExists(state, ctx);
      const member = state.members[command.data.memberId];
      if (!member) refuse('NO_SUCH_MEMBER', `member ${command.data.memberId} is not in the household`);
      const { changes } = command.data;
      const health = changes.health ?? member.health;
      const grade = changes.disabilityGrade === undefined ? member.disabilityGrade : changes.disabilityGrade;
      if ((health === 'disabled') !== (grade !== undefined && grade !== null)) {
        throw new ValidationError([
          { path: 'changes.disabilityGrade', message: 'is required when health is disabled, and only then' },
        ]);
      }
      return [{ type: 'MemberUpdated', data: command.data }];
    }

    case 'AssessConditions': {
      requireExists(state, ctx);
      if (command.data.year !== year(on) && command.data.year !== year(on) - 1) {
        throw new ValidationError([
          { path: 'year', message: `must be the year of the assessment (${year(on)}) or the year before` },
        ]);
      }
      const { assessmentId, ...rest } = command.data;
      return [
        {
          type: 'ConditionsAssessed',
          data: { assessmentId: assessmentId ?? id('assessment'), assessedOn: on, ...rest },
        },
      ];
    }

    case 'AssignHelper': {
      requireExists(state, ctx);
      requireAssisted(state, 'assign a helper');
      if (state.helper?.helperId === command.data.helper.helperId) {
        refuse('ALREADY_ASSIGNED', `${command.data.helper.name} is already the household's helper`);
      }
      return [
        {
          type: 'HelperAssigned',
          data: { helper: command.data.helper, ...(state.helper ? { replacesHelperId: state.helper.helperId } : {}) },
        },
      ];
    }

    case 'PlanAssistance': {
      requireExists(state, ctx);
      requireAssisted(state, 'plan assistance');
      const measureId = command.data.measureId ?? id('measure');
      if (state.measures[measureId]) refuse('MEASURE_EXISTS', `measure ${measureId} is already planned`);
      return [{ type: 'AssistancePlanned', data: { ...command.data, measureId } }];
    }

    case 'RecordAssistanceDelivered': {
      requireExists(state, ctx);
      requireAssisted(state, 'deliver assistance');
      const measure = state.measures[command.data.measureId];
      if (!measure) refuse('NO_SUCH_MEASURE', `measure ${command.data.measureId} was not planned for this household`);
      if (measure.deliveredFen + command.data.amountFen > measure.amountFen) {
        refuse('OVER_DELIVERY', 'deliveries would exceed the planned amount', {
          plannedFen: measure.amountFen,
          deliveredFen: measure.deliveredFen,
          requestedFen: command.data.amountFen,
        });
      }
      return [{ type: 'AssistanceDelivered', data: { ...command.data, deliveredOn: on } }];
    }

    case 'RecordVisit': {
      requireExists(state, ctx);
      requireAssisted(state, 'record a visit');
      if (!state.helper) refuse('NO_HELPER', 'the household has no helper assigned');
      return [
        {
          type: 'VisitRecorded',
          data: {
            visitId: command.data.visitId ?? id('visit'),
            helperId: state.helper.helperId,
            visitedOn: on,
            notes: command.data.notes,
          },
        },
      ];
    }

    case 'ProposeExit': {
      requireExists(state, ctx);
      requireStatus(state, ['registered', 'returned'], 'propose an exit');
      if (state.case) refuse('CASE_OPEN', `an ${state.case.kind} case is already open`);
      if (command.data.year !== year(on) && command.data.year !== year(on) - 1) {
        throw new ValidationError([{ path: 'year', message: `must be ${year(on)} or ${year(on) - 1}` }]);
      }
      const evaluation = evaluateExit(state, command.data.year, ctx.policy);
      if (evaluation.unmet.length > 0 || !evaluation.evidence) throw unmetCriteria(evaluation.unmet, evaluation.facts);
      return [{ type: 'ExitProposed', data: { year: command.data.year, evidence: evaluation.evidence } }];
    }

    case 'ConfirmExit': {
      requireExists(state, ctx);
      requireStep(state, 'exit', 'confirmation');
      if (!state.members[command.data.signedByMemberId]) {
        refuse('NO_SUCH_MEMBER', 'the exit must be signed by a member of the household');
      }
      if (!state.helper) refuse('NO_HELPER', 'the exit must be signed by the household’s helper, and it has none');
      return [
        {
          type: 'ExitConfirmed',
          data: { signedByMemberId: command.data.signedByMemberId, helperId: state.helper.helperId, confirmedOn: on },
        },
      ];
    }

    case 'VerifyExit': {
      requireExists(state, ctx);
      requireStep(state, 'exit', 'township_verification');
      return [{ type: 'ExitVerified', data: { verifiedOn: on, ...command.data } }];
    }

    case 'ApproveExit': {
      requireExists(state, ctx);
      const open = requireStep(state, 'exit', 'county_approval');
      const exitYear = open.year as number;
      const evaluation = evaluateExit(state, exitYear, ctx.policy);
      if (evaluation.unmet.length > 0 || !evaluation.evidence) throw unmetCriteria(evaluation.unmet, evaluation.facts);
      return [{ type: 'ExitApproved', data: { year: exitYear, exitedOn: on, evidence: evaluation.evidence } }];
    }

    case 'RejectExit': {
      requireExists(state, ctx);
      const open = state.case;
      if (open?.kind !== 'exit') refuse('NO_OPEN_CASE', 'there is no open exit case');
      return [rejection('exit', open.step, requireReason(ctx, 'refuse an exit'), state, ctx)];
    }

    case 'ReportReturnToPoverty': {
      requireExists(state, ctx);
      requireStatus(state, ['exited'], 'report a return to poverty');
      return [{ type: 'ReturnedToPoverty', data: command.data }];
    }

    case 'RemoveFromRegistry': {
      requireExists(state, ctx);
      requireStatus(state, ['registered', 'returned', 'exited'], 'remove from the registry');
      const evidence = command.data.evidence;
      if (evidence.source === 'data_comparison' && !evidence.finding.disqualifying) {
        refuse('FINDING_NOT_DISQUALIFYING', 'a removal needs a finding that rules the household out');
      }
      requireReason(ctx, 'remove a household');
      return [{ type: 'RemovedFromRegistry', data: command.data }];
    }

    case 'RecordNaturalDecrease': {
      requireExists(state, ctx);
      return [{ type: 'NaturalDecreaseRecorded', data: command.data }];
    }

    case 'StartMonitoring': {
      if (state.monitoring) refuse('ALREADY_MONITORED', `already monitored as ${state.monitoring.category}`);
      const allowed: Record<typeof command.data.category, readonly Status[]> = {
        unstable_exited: ['exited'],
        edge_vulnerable: ['none', 'unregistered', 'rejected', 'removed'],
        sudden_hardship: ['none', 'unregistered', 'rejected', 'removed', 'exited'],
      };
      requireStatus(state, allowed[command.data.category], `start monitoring as ${command.data.category}`);
      const isNew = state.status === 'none';
      if (isNew && !command.data.household) {
        throw new ValidationError([
          { path: 'household', message: 'is required for a household the registry has not recorded yet' },
        ]);
      }
      if (!isNew && command.data.household) {
        throw new ValidationError([
          { path: 'household', message: 'must be omitted: the household is already recorded' },
        ]);
      }
      return [{ type: 'MonitoringStarted', data: { householdId: ctx.householdId, ...command.data } }];
    }

    case 'EndMonitoring': {
      requireExists(state, ctx);
      if (!state.monitoring) refuse('NOT_MONITORED', 'the household is not being monitored');
      return [{ type: 'MonitoringEnded', data: { reason: 'risk_eliminated', ...command.data } }];
    }

    case 'CorrectEvent': {
      requireExists(state, ctx);
      requireReason(ctx, 'correct an event');
      const target = ctx.findEvent(command.data.eventId);
      if (!target) refuse('NO_SUCH_EVENT', `event ${command.data.eventId} is not in this household's history`);
      const type = target.type as HouseholdEventType;
      if (type === 'EventCorrected')
        refuse('NOT_CORRECTABLE', 'a correction is not corrected; correct the original event again');
      if (command.data.action === 'void') {
        if (!VOIDABLE.includes(type)) {
          refuse('NOT_CORRECTABLE', `${type} cannot be voided; only ${VOIDABLE.join(', ')} can`, { type });
        }
        return [
          {
            type: 'EventCorrected',
            data: { correctedEventId: command.data.eventId, correctedType: type, action: 'void' },
          },
        ];
      }
      const key = CORRECTION_KEYS[type];
      if (!key)
        refuse('NOT_CORRECTABLE', `${type} records a decision; it cannot be corrected, only followed by another`, {
          type,
        });
      const parsed = HouseholdEvents[type].schema.safeParse(command.data.replacementData);
      if (!parsed.success) {
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ path: ['replacementData', ...i.path].join('.'), message: i.message })),
        );
      }
      const replacement = parsed.data as Record<string, unknown>;
      if (key(replacement) !== key(target.data as Record<string, unknown>)) {
        refuse('KEY_FIELD_CHANGED', `a correction keeps what ${type} is about (its id); record a new event instead`);
      }
      return [
        {
          type: 'EventCorrected',
          data: {
            correctedEventId: command.data.eventId,
            correctedType: type,
            action: 'replace',
            replacementData: replacement,
          },
        },
      ];
    }

    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${(unknown as { type: string }).type}`);
    }
  }
}

function rejection(
  kind: 'identification' | 'exit',
  step: string,
  reason: string,
  state: HouseholdState,
  ctx: DecideContext,
): HouseholdEvent {
  if (kind === 'identification') {
    return { type: 'ApplicationRejected', data: { step: step as never, reason } };
  }
  const unmet = state.case?.year === undefined ? [] : evaluateExit(state, state.case.year, ctx.policy).unmet;
  return { type: 'ExitRejected', data: { step: step as never, reason, unmetCriteria: unmet } };
}

function unmetCriteria(unmet: RuleViolation['unmetCriteria'], facts: Record<string, unknown>): RuleViolation {
  return new RuleViolation('EXIT_CRITERIA_UNMET', `the exit criteria are not met: ${unmet.join(', ')}`, facts, unmet);
}
