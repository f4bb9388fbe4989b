import { type Actor, NATIONAL_POLICY } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { checkDuties, dutyOf } from '../src/duties.js';
import { RuleViolation } from '../src/errors.js';
import { atCountyApproval, cmd, exitAt, history, registered, stateOf, villageNoticeOpen } from './fixtures.js';

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

  describe('a correction of an event that records a duty is that duty', () => {
    const events = history(registered());
    const state = stateOf(registered());
    const idOf = (type: string) => events.find((e) => e.type === type)?.id as string;
    const correct = (type: string, replacementData: unknown) =>
      cmd('CorrectEvent', { eventId: idOf(type), action: 'replace', replacementData });

    it('refuses a village clerk the county’s approval and the county’s data comparison', () => {
      const approval = correct('RegistrationApproved', {
        cardNumber: '3209242015000123',
        attribute: 'low_income_guarantee',
        mainCause: 'disability',
      });
      const e = refusal(() => checkDuties(approval, state, events, zhang, 'village', NATIONAL_POLICY));
      expect(e.rule).toBe('LEVEL_NOT_ALLOWED');
      expect(e.facts).toMatchObject({ duty: 'county_approval', level: 'village' });
      const comparison = correct('DataComparisonRecorded', { findings: [] });
      expect(
        refusal(() => checkDuties(comparison, state, events, zhang, 'village', NATIONAL_POLICY)).facts,
      ).toMatchObject({ duty: 'data_comparison', level: 'village' });
      // The county corrects its own records.
      expect(() => checkDuties(approval, state, events, wang, 'county', NATIONAL_POLICY)).not.toThrow();
    });

    it('refuses the approval’s correction to the person who recorded the case’s township review', () => {
      const reviewed = events.map((e) =>
        e.type === 'TownshipReviewRecorded' ? { ...e, metadata: { ...e.metadata, actor: wang } } : e,
      );
      const approval = correct('RegistrationApproved', {
        cardNumber: '3209242015000123',
        attribute: 'ordinary',
        mainCause: 'disability',
      });
      const e = refusal(() => checkDuties(approval, state, reviewed, wang, 'county', NATIONAL_POLICY));
      expect(e.rule).toBe('SAME_PERSON');
      expect(e.facts).toMatchObject({ duty: 'county_approval', otherDuty: 'township_review' });
    });

    it('leaves records any clerk keeps to any clerk: the application’s details to its village', () => {
      const application = events.find((e) => e.type === 'ApplicationSubmitted');
      const fix = cmd('CorrectEvent', {
        eventId: application?.id,
        action: 'replace',
        replacementData: application?.data,
      });
      expect(() => checkDuties(fix, state, events, zhang, 'village', NATIONAL_POLICY)).not.toThrow();
    });
  });
});
