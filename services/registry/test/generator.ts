import { addDays, type HouseholdCommand, type HouseholdEvent, NATIONAL_POLICY } from '@registry/schema';
import fc from 'fast-check';
import { decide } from '../src/decide.js';
import { DomainError } from '../src/errors.js';
import { foldHistory, type HistoryEvent } from '../src/fold.js';
import { deriveId } from '../src/ids.js';
import type { HouseholdState } from '../src/state.js';
import { cmd, HOUSEHOLD_ID, helper, household, member } from './fixtures.js';

/**
 * Random household histories for property tests: steps played through decide and evolve as
 * the command handler would. Most steps follow the open case, so runs reach registration,
 * exits, returns, monitoring and corrections; the rest are random and mostly refused.
 */
/** One random step: which command, a few numbers to fill it, and how many days pass first. */
export const Step = fc.record({
  kind: fc.nat(32),
  /** Most steps follow the household's open case, so runs get past identification. */
  guided: fc.nat(9).map((n) => n < 7),
  a: fc.nat(1000),
  b: fc.nat(1000),
  days: fc.integer({ min: 0, max: 40 }),
});

export type StepValue = typeof Step extends fc.Arbitrary<infer T> ? T : never;

/** The command kind that moves this household on, as a diligent clerk would. */
function suggested(state: HouseholdState, a: number, b: number, date: string): number | undefined {
  const open = state.case;
  if (open) {
    if (open.notice) return a % 6 === 0 ? 4 : Object.values(open.notice.objections).some((o) => !o.resolved) ? 5 : 3;
    const byStep: Record<string, number> = {
      village_review: 1,
      village_notice: 2,
      township_review: 6,
      township_notice: 2,
      data_comparison: 7,
      confirmation: 19,
      township_verification: 20,
    };
    if (open.step === 'county_approval') return open.kind === 'exit' ? (a % 5 === 0 ? 12 : 21) : 8;
    return byStep[open.step];
  }
  switch (state.status) {
    case 'none':
      return a % 5 === 0 ? 26 : 0;
    case 'registered':
    case 'returned':
      if (!state.helper) return 14;
      if (a % 4 === 0) return [15, 16, 17, 9, 10, 28][b % 6];
      return state.assessments.some((x) => x.year === Number(date.slice(0, 4))) ? 18 : 12;
    case 'exited':
      return [23, 23, 26, 27, 17, 24, 25, 32][a % 8];
    default:
      return [0, 26, 27, 25][a % 4];
  }
}

function pick<T>(items: T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

/** Builds a command of the kind chosen, using the current state for ids that must exist. */
function commandFor(
  step: StepValue,
  state: HouseholdState,
  i: number,
  history: HistoryEvent[],
  date: string,
): HouseholdCommand {
  const { a, b } = step;
  const members = Object.keys(state.members);
  const on = a % 10 < 8;
  const y = step.guided ? Number(date.slice(0, 4)) : 2015 + (a % 7);
  switch (step.guided ? (suggested(state, a, b, date) ?? step.kind) : step.kind) {
    case 0:
      return cmd('ApplyForRegistration', {
        household: household(),
        members: [member({ relation: 'head' }), member({ relation: 'spouse', sex: 'female' })],
      });
    case 1:
      return cmd('RecordVillageReview', { approved: on });
    case 2:
      return cmd('OpenPublicNotice', {});
    case 3:
      return cmd('ClosePublicNotice', {});
    case 4:
      return cmd('RecordObjection', { summary: `异议${i}` });
    case 5: {
      const objection = pick(Object.keys(state.case?.notice?.objections ?? {}), b) ?? deriveId('none', String(i));
      const upheld = a % 3 === 0;
      return cmd('ResolveObjection', {
        objectionId: objection,
        upheld,
        ...(upheld ? { consequence: b % 2 ? 'sent_back' : 'rejected' } : {}),
        resolution: '处理',
      });
    }
    case 6:
      return cmd('RecordTownshipReview', { approved: on });
    case 7:
      return cmd('RecordDataComparison', {
        findings: a % 10 === 0 ? [{ agency: 'vehicles', disqualifying: true, detail: '车辆' }] : [],
      });
    case 8:
      return cmd('ApproveRegistration', { cardNumber: `CARD-${i}`, attribute: 'ordinary', mainCause: 'illness' });
    case 9:
      return cmd('AddMember', { member: member({ relation: 'child', birthDate: '2010-01-01' }), reason: 'birth' });
    case 10: {
      const memberId = pick(members, a) ?? deriveId('none', String(i));
      const other = members.find((m) => m !== memberId);
      return cmd('RemoveMember', {
        memberId,
        reason: 'moving_out',
        ...(memberId === state.headMemberId && other && b % 4 ? { newHeadMemberId: other } : {}),
      });
    }
    case 11:
      return cmd('UpdateMember', {
        memberId: pick(members, a) ?? deriveId('none', String(i)),
        changes: { labourCapacity: b % 2 ? 'weak' : 'ordinary' },
      });
    case 12:
    case 13:
      return cmd('AssessConditions', {
        year: y,
        incomePerCapitaFen: step.guided && b % 4 !== 0 ? 700_000 : 200_000 + ((a * 997) % 600_000),
        food: b % 11 !== 0,
        clothing: true,
        compulsoryEducation: true,
        basicMedical: b % 13 !== 0,
        safeHousing: b % 7 !== 0,
        safeDrinkingWater: true,
      });
    case 14:
      return cmd('AssignHelper', { helper: b % 5 === 0 ? { ...helper, helperId: `cadre-${i}` } : helper });
    case 15:
      return cmd('PlanAssistance', {
        category: 'industry',
        description: '产业',
        amountFen: 100_000 + a,
        fundingSource: 'central',
        year: y,
      });
    case 16:
      return cmd('RecordAssistanceDelivered', {
        measureId: pick(Object.keys(state.measures), a) ?? deriveId('none', String(i)),
        amountFen: 50_000 + b,
      });
    case 17:
      return cmd('RecordVisit', { notes: '走访' });
    case 18:
      return cmd('ProposeExit', { year: y });
    case 19:
      return cmd('ConfirmExit', { signedByMemberId: pick(members, a) ?? deriveId('none', String(i)) });
    case 20:
      return cmd('VerifyExit', {});
    case 21:
    case 22:
      return cmd('ApproveExit', {});
    case 23:
      return cmd('ReportReturnToPoverty', { attribute: 'ordinary', mainCause: 'illness' });
    case 24:
      return cmd('RemoveFromRegistry', { evidence: { source: 'review', review: '回头看' } });
    case 25:
      return a % 8 === 0
        ? cmd('RecordNaturalDecrease', { reason: 'moved_away' })
        : cmd('RecordVisit', { notes: '走访' });
    case 26:
      return cmd('StartMonitoring', {
        category: (['unstable_exited', 'edge_vulnerable', 'sudden_hardship'] as const)[a % 3],
        risks: ['因病'],
        ...(state.status === 'none' ? { household: household(), members: [member({ relation: 'head' })] } : {}),
      });
    case 27:
      return cmd('EndMonitoring', {});
    case 28:
    case 29: {
      const correctable = history.filter((e) => e.type === 'ConditionsAssessed' || e.type === 'VisitRecorded');
      const target = pick(correctable, a);
      if (!target) return cmd('RejectExit', {});
      if (target.type === 'ConditionsAssessed' && b % 2) {
        return cmd('CorrectEvent', {
          eventId: target.id,
          action: 'replace',
          replacementData: { ...target.data, incomePerCapitaFen: (b * 1009) % 900_000 },
        });
      }
      return cmd('CorrectEvent', { eventId: target.id, action: 'void' });
    }
    case 31:
      return cmd('AdjustAttributeAndCauses', {
        attribute: (['ordinary', 'low_income_guarantee', 'extreme_poverty_support'] as const)[a % 3],
        mainCause: 'disability',
        otherCauses: b % 2 ? ['illness'] : [],
      });
    case 32:
      return cmd('AnnulExit', { year: state.exits.at(-1)?.year ?? y, source: 'review', finding: '回头看：收入不稳定' });
    case 30:
      return cmd('ChangeHouseholdDetails', {
        address: `张庄村${(a % 40) + 1}号`,
        ...(b % 2 ? { phone: '13900000000' } : {}),
      });
    default:
      throw new Error(`no command kind ${step.kind}`);
  }
}

export interface Run {
  history: HistoryEvent[];
  /** [state before, the events one command appended] for every accepted command. */
  accepted: Array<{ before: HouseholdState; events: HistoryEvent[] }>;
  refusedAfterDecrease: number;
  attemptsAfterDecrease: number;
}

/** Plays random steps through decide and evolve, as the handler would, keeping the history. */
export function play(steps: StepValue[]): Run {
  const history: HistoryEvent[] = [];
  const accepted: Run['accepted'] = [];
  let date = '2015-01-01';
  let refusedAfterDecrease = 0;
  let attemptsAfterDecrease = 0;
  steps.forEach((step, i) => {
    date = addDays(date, step.days);
    const state = foldHistory(history);
    const command = commandFor(step, state, i, history, date);
    // A guided clerk waits for the notice period before closing it.
    const closesOn = state.case?.notice?.closesOn;
    if (step.guided && command.type === 'ClosePublicNotice' && closesOn && date < closesOn) date = closesOn;
    const commandId = `cmd-${String(i).padStart(4, '0')}`;
    // An annulment takes effect on its exit's date, in the past.
    const effectiveAt = command.type === 'AnnulExit' ? (state.exits.at(-1)?.exitedOn ?? date) : date;
    const byId = new Map(history.map((e) => [e.id, e]));
    if (state.status === 'decreased') attemptsAfterDecrease++;
    let decided: HouseholdEvent[];
    try {
      decided = decide(command, state, {
        commandId,
        householdId: HOUSEHOLD_ID,
        effectiveAt,
        reason: '依规办理',
        policy: NATIONAL_POLICY,
        findEvent: (id) => byId.get(id),
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (state.status === 'decreased') refusedAfterDecrease++;
      return;
    }
    const events = decided.map((e, n) => ({
      ...e,
      id: deriveId(commandId, `event-${n}`),
      revision: history.length + n,
      position: String(history.length + n).padStart(10, '0'),
      effectiveAt,
      recordedAt: `${date}T08:00:00.000Z`,
      metadata: {
        actor: { id: 'clerk', role: 'clerk' as const, unit: '320924101201' },
        effectiveAt,
        correlationId: deriveId(commandId, 'c'),
        commandId,
      },
    })) as HistoryEvent[];
    history.push(...events);
    accepted.push({ before: state, events });
  });
  return { history, accepted, refusedAfterDecrease, attemptsAfterDecrease };
}

export const steps = fc.array(Step, { minLength: 10, maxLength: 200 });
/** Long runs, for tests that sample a few households and need them to get far (exits, returns). */
export const longSteps = fc.array(Step, { minLength: 150, maxLength: 250, size: 'max' });
