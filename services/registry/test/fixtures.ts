import {
  ALL_CONDITIONS_MET,
  type HouseholdCommand,
  HouseholdCommands,
  type HouseholdCommandType,
  type HouseholdEvent,
  type HouseholdEventData,
  type Member,
  NATIONAL_POLICY,
  nationalIdCheckChar,
  type Policy,
} from '@registry/schema';
import { expect } from 'vitest';
import { type DecideContext, decide } from '../src/decide.js';
import { DomainError, RuleViolation, ValidationError } from '../src/errors.js';
import type { DomainEvent } from '../src/evolve.js';
import type { HistoryEvent } from '../src/fold.js';
import { foldEvents } from '../src/fold.js';
import { deriveId } from '../src/ids.js';
import type { HouseholdState } from '../src/state.js';

export const HOUSEHOLD_ID = '5b0e3f2a-6c1d-4e8f-9a2b-3c4d5e6f7a8b';
export const VILLAGE = '320924101201'; // Jiangsu: the provincial line applies
export const WESTERN_VILLAGE = '150429101201'; // Inner Mongolia: the national line applies

/** A valid 18-character ID number for a birth date and sex. */
export function nationalId(birthDate: string, sex: 'male' | 'female', seq = 1): string {
  // Distinct for every seq up to 50,000 (one person, one number): the order code and the region's last digits.
  const order = String(((seq % 500) * 2 + (sex === 'male' ? 1 : 0)) % 1000).padStart(3, '0');
  const region = `3209${String(Math.floor(seq / 500) % 100).padStart(2, '0')}`;
  const first17 = `${region}${birthDate.replaceAll('-', '')}${order}`;
  return first17 + nationalIdCheckChar(first17);
}

let memberSeq = 0;
export function member(overrides: Partial<Member> = {}): Member {
  memberSeq++;
  const sex = overrides.sex ?? 'male';
  const birthDate = overrides.birthDate ?? '1970-05-12';
  return {
    memberId: deriveId('member', String(memberSeq)),
    nationalId: nationalId(birthDate, sex, memberSeq),
    name: `成员${memberSeq}`,
    sex,
    birthDate,
    relation: 'spouse',
    health: 'healthy',
    labourCapacity: 'ordinary',
    schooling: 'not_in_school',
    insurance: { basicMedical: true, seriousIllness: true, pension: false },
    ...overrides,
  };
}

export const head = member({ relation: 'head', name: '张建国' });
export const spouse = member({ relation: 'spouse', sex: 'female', birthDate: '1972-03-08', name: '李秀英' });
export const child = member({
  relation: 'child',
  birthDate: '2008-09-01',
  schooling: 'junior_secondary',
  labourCapacity: 'none',
  name: '张小明',
});

/**
 * Head, spouse and child as above (the same member ids), each with an ID number no other test
 * household has: one person, one open household.
 */
export function family(): [Member, Member, Member] {
  const fresh = (m: Member): Member => ({
    ...m,
    nationalId: member({ sex: m.sex, birthDate: m.birthDate }).nationalId,
  });
  return [fresh(head), fresh(spouse), fresh(child)];
}

export const household = (villageCode = VILLAGE) => ({
  villageCode,
  group: '三组',
  address: '张庄村三组18号',
  phone: '13800000000',
});

/** The county's approver: approvals are kept apart from the reviews before them (separation of duties). */
export const countyApprover = { id: 'county-approver-wang', role: 'clerk' as const, unit: '320924000000' };
/** Who records a command in tests: the county's approver for approvals, the given clerk otherwise. */
export const actorFor = <A>(type: string, clerk: A) =>
  type === 'ApproveRegistration' || type === 'ApproveExit' ? countyApprover : clerk;

export const helper = { helperId: 'cadre-042', name: '王帮扶', unit: '县农业农村局' };

export type Given = HouseholdEvent & { effectiveAt?: string };
const on = (effectiveAt: string, e: HouseholdEvent): Given => ({ ...e, effectiveAt });

export const ids = {
  villageNotice: deriveId('fixture', 'village-notice'),
  townshipNotice: deriveId('fixture', 'township-notice'),
  exitNotice: deriveId('fixture', 'exit-notice'),
  assessment: (y: number) => deriveId('fixture', `assessment-${y}`),
  measure: deriveId('fixture', 'measure'),
};

export function applied(villageCode = VILLAGE): Given[] {
  return [
    on('2015-03-01', {
      type: 'ApplicationSubmitted',
      data: { householdId: HOUSEHOLD_ID, household: household(villageCode), members: [head, spouse, child] },
    }),
  ];
}

export function atVillageNotice(villageCode = VILLAGE): Given[] {
  return [
    ...applied(villageCode),
    on('2015-03-10', {
      type: 'VillageReviewRecorded',
      data: { case: 'identification', approved: true, votesFor: 21, votesAgainst: 2 },
    }),
  ];
}

export function villageNoticeOpen(villageCode = VILLAGE): Given[] {
  return [
    ...atVillageNotice(villageCode),
    on('2015-03-11', {
      type: 'PublicNoticeOpened',
      data: {
        noticeId: ids.villageNotice,
        case: 'identification',
        level: 'village',
        openedOn: '2015-03-11',
        closesOn: '2015-03-18',
      },
    }),
  ];
}

export function atCountyApproval(villageCode = VILLAGE, findings: Given[] = []): Given[] {
  return [
    ...villageNoticeOpen(villageCode),
    on('2015-03-18', { type: 'PublicNoticeClosed', data: { noticeId: ids.villageNotice, closedOn: '2015-03-18' } }),
    on('2015-03-25', { type: 'TownshipReviewRecorded', data: { approved: true } }),
    on('2015-03-26', {
      type: 'PublicNoticeOpened',
      data: {
        noticeId: ids.townshipNotice,
        case: 'identification',
        level: 'township',
        openedOn: '2015-03-26',
        closesOn: '2015-04-02',
      },
    }),
    on('2015-04-02', { type: 'PublicNoticeClosed', data: { noticeId: ids.townshipNotice, closedOn: '2015-04-02' } }),
    ...(findings.length > 0
      ? findings
      : [on('2015-04-10', { type: 'DataComparisonRecorded', data: { findings: [] } })]),
  ];
}

export function registered(villageCode = VILLAGE): Given[] {
  return [
    ...atCountyApproval(villageCode),
    on('2015-04-20', {
      type: 'RegistrationApproved',
      data: {
        cardNumber: '3209242015000123',
        attribute: 'ordinary',
        mainCause: 'illness',
        otherCauses: ['lack_of_capital'],
      },
    }),
  ];
}

export function withHelper(villageCode = VILLAGE): Given[] {
  return [...registered(villageCode), on('2015-05-01', { type: 'HelperAssigned', data: { helper } })];
}

export function assessed(
  year: number,
  overrides: Partial<Omit<HouseholdEventData<'ConditionsAssessed'>, 'assessmentId' | 'year' | 'assessedOn'>> = {},
): Given {
  return on(`${year}-11-15`, {
    type: 'ConditionsAssessed',
    data: {
      assessmentId: ids.assessment(year),
      year,
      assessedOn: `${year}-11-15`,
      incomePerCapitaFen: 700_000,
      ...ALL_CONDITIONS_MET,
      ...overrides,
    },
  });
}

const evidence2019 = {
  assessmentId: ids.assessment(2019),
  assessedOn: '2019-11-15',
  incomePerCapitaFen: 700_000,
  incomeLineFen: 600_000,
  incomeLineSource: 'province 32',
  policyId: NATIONAL_POLICY.id,
};

/** A registered household with a helper and a passing 2019 assessment, whose exit is at `step`. */
export function exitAt(
  step: 'village_review' | 'village_notice' | 'confirmation' | 'township_verification' | 'county_approval',
): Given[] {
  const events: Given[] = [
    ...withHelper(),
    assessed(2019),
    on('2019-11-20', { type: 'ExitProposed', data: { year: 2019, evidence: evidence2019 } }),
  ];
  if (step === 'village_review') return events;
  events.push(on('2019-11-25', { type: 'VillageReviewRecorded', data: { case: 'exit', approved: true } }));
  if (step === 'village_notice') return events;
  events.push(
    on('2019-11-26', {
      type: 'PublicNoticeOpened',
      data: {
        noticeId: ids.exitNotice,
        case: 'exit',
        level: 'village',
        openedOn: '2019-11-26',
        closesOn: '2019-12-03',
      },
    }),
    on('2019-12-03', { type: 'PublicNoticeClosed', data: { noticeId: ids.exitNotice, closedOn: '2019-12-03' } }),
  );
  if (step === 'confirmation') return events;
  events.push(
    on('2019-12-05', {
      type: 'ExitConfirmed',
      data: { signedByMemberId: head.memberId, helperId: helper.helperId, confirmedOn: '2019-12-05' },
    }),
  );
  if (step === 'township_verification') return events;
  events.push(on('2019-12-10', { type: 'ExitVerified', data: { verifiedOn: '2019-12-10' } }));
  return events;
}

export function exited(): Given[] {
  return [
    ...exitAt('county_approval'),
    on('2019-12-31', { type: 'ExitApproved', data: { year: 2019, exitedOn: '2019-12-31', evidence: evidence2019 } }),
  ];
}

export function toDomain(events: Given[]): DomainEvent[] {
  return events.map((e) => ({ ...e, effectiveAt: e.effectiveAt ?? '2019-01-01' }) as DomainEvent);
}

export function stateOf(events: Given[]): HouseholdState {
  return foldEvents(toDomain(events));
}

/** Parses a command as the handler would, so schema defaults apply. */
export function cmd<T extends HouseholdCommandType>(type: T, data: unknown): HouseholdCommand {
  return { type, data: HouseholdCommands[type].schema.parse(data) } as HouseholdCommand;
}

interface When {
  thenEmits(expected: HouseholdEvent[]): void;
  thenRefuses(rule: string, facts?: Record<string, unknown>): RuleViolation;
  thenInvalid(path: string, message?: RegExp): void;
  thenFails(code: string): void;
  result(): HouseholdEvent[];
}

/** Given these events, when this command (on this date, with this reason), then these events (`thenEmits`) or this refusal. */
export function given(...eventLists: Given[][]) {
  const state = stateOf(eventLists.flat());
  return {
    state,
    when(command: HouseholdCommand, ctx: Partial<DecideContext> & { policy?: Policy } = {}): When {
      const run = () =>
        decide(command, state, {
          commandId: 'cmd-0001',
          householdId: HOUSEHOLD_ID,
          effectiveAt: '2019-06-01',
          policy: NATIONAL_POLICY,
          findEvent: () => undefined,
          ...ctx,
        });
      const error = (): unknown => {
        try {
          run();
        } catch (e) {
          return e;
        }
        throw new Error('expected a refusal, but the command was accepted');
      };
      return {
        result: run,
        thenEmits: (expected) => expect(run()).toEqual(expected),
        thenRefuses: (rule, facts) => {
          const e = error();
          expect(e).toBeInstanceOf(RuleViolation);
          expect((e as RuleViolation).rule).toBe(rule);
          if (facts) expect((e as RuleViolation).facts).toMatchObject(facts);
          return e as RuleViolation;
        },
        thenInvalid: (path, message) => {
          const e = error();
          expect(e).toBeInstanceOf(ValidationError);
          const issue = (e as ValidationError).issues.find((i) => i.path === path);
          expect(issue, `issues: ${JSON.stringify((e as ValidationError).issues)}`).toBeDefined();
          if (message) expect(issue?.message).toMatch(message);
        },
        thenFails: (code) => {
          const e = error();
          expect(e).toBeInstanceOf(DomainError);
          expect((e as DomainError).code).toBe(code);
        },
      };
    },
  };
}

/** A stored history from fixture events: ids, revisions and both clocks. */
export function history(
  events: ReturnType<typeof exited>,
  recordedAt = (i: number) => `2020-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`,
): HistoryEvent[] {
  return events.map((e, i) => ({
    ...e,
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    revision: i,
    position: String(i).padStart(33, '0'),
    effectiveAt: e.effectiveAt ?? '2019-01-01',
    recordedAt: recordedAt(i),
    metadata: {
      actor: { id: 'c', role: 'clerk', unit: 'u' },
      effectiveAt: e.effectiveAt ?? '2019-01-01',
      correlationId: '00000000-0000-4000-8000-000000000000',
    },
  })) as HistoryEvent[];
}
