import { type Actor, NATIONAL_POLICY } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { checkDuties, dutyOf } from '../src/duties.js';
import { RuleViolation } from '../src/errors.js';
import { atCountyApproval, cmd, exitAt, history, stateOf, villageNoticeOpen } from './fixtures.js';

const zhang: Actor = { id: 'clerk-zhang', role: 'clerk', unit: '城关镇' };
const wang: Actor = { id: 'clerk-wang', role: 'clerk', unit: '县扶贫办' };

function refusal(run: () => void): RuleViolation {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleViolation);
    return error as RuleViolation;
  }
  throw new Error('expected a refusal');
}

describe('separation of duties by level (村申请、乡审核、县审批), from the policy’s data', () => {
  const approve = cmd('ApproveRegistration', { cardNumber: 'C-0001', attribute: 'ordinary', mainCause: 'illness' });

  it('names the duty of each step, a notice by its level, a rejection by the step the case is at', () => {
    expect(dutyOf({ type: 'ApplyForRegistration' } as never, stateOf([]))).toBe('application');
    expect(dutyOf(cmd('ClosePublicNotice', {}), stateOf(villageNoticeOpen()))).toBe('village_notice');
    expect(dutyOf(cmd('RejectApplication', {}), stateOf(atCountyApproval()))).toBe('county_approval');
    expect(dutyOf(cmd('RecordVisit', { notes: '走访' }), stateOf(atCountyApproval()))).toBeUndefined();
  });

  it('lets only the level the policy names record a step', () => {
    const state = stateOf(atCountyApproval());
    const events = history(atCountyApproval());
    const e = refusal(() => checkDuties(approve, state, events, wang, 'township', NATIONAL_POLICY));
    expect(e.rule).toBe('LEVEL_NOT_ALLOWED');
    expect(e.facts).toEqual({ duty: 'county_approval', level: 'township', allowed: ['county'] });
    expect(() => checkDuties(approve, state, events, wang, 'county', NATIONAL_POLICY)).not.toThrow();
    // Records outside the steps are any level's.
    expect(() =>
      checkDuties(cmd('RecordVisit', { notes: '走访' }), state, events, wang, 'village', NATIONAL_POLICY),
    ).not.toThrow();
    // A policy without level rules (one for replays) leaves levels alone.
    const { dutyLevels: _, ...open } = NATIONAL_POLICY;
    expect(() => checkDuties(approve, state, events, wang, 'village', open)).not.toThrow();
  });

  it('refuses the approval to the person who recorded the review of the same case', () => {
    const state = stateOf(atCountyApproval());
    const events = history(atCountyApproval()).map((e) =>
      e.type === 'TownshipReviewRecorded' ? { ...e, metadata: { ...e.metadata, actor: zhang } } : e,
    );
    const e = refusal(() => checkDuties(approve, state, events, zhang, undefined, NATIONAL_POLICY));
    expect(e.rule).toBe('SAME_PERSON');
    expect(e.facts).toMatchObject({ duty: 'county_approval', otherDuty: 'township_review', actorId: 'clerk-zhang' });
    expect(() => checkDuties(approve, state, events, wang, 'county', NATIONAL_POLICY)).not.toThrow();
  });

  it('keeps an exit’s verification and approval apart too, within the exit case only', () => {
    const exit = exitAt('county_approval');
    const events = history(exit).map((e) =>
      e.type === 'ExitVerified' ? { ...e, metadata: { ...e.metadata, actor: wang } } : e,
    );
    const e = refusal(() =>
      checkDuties(cmd('ApproveExit', {}), stateOf(exit), events, wang, 'county', NATIONAL_POLICY),
    );
    expect(e.facts).toMatchObject({ duty: 'exit_approval', otherDuty: 'township_verification' });
  });
});
