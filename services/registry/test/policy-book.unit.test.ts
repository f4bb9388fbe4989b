import { NATIONAL_POLICY, type Policy } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { fixedPolicy, PolicyTimeline, type PolicyVersion, policyOn } from '../src/policy-book.js';

const version = (id: string, effectiveFrom: string, change: Partial<Policy> = {}): PolicyVersion => ({
  policy: { ...NATIONAL_POLICY, ...change, id },
  effectiveFrom,
  reason: 'test',
  recordedAt: '2026-01-01T00:00:00.000Z',
  recordedBy: { id: 'admin', role: 'admin', unit: 'province' },
  position: id,
  eventId: id,
});

describe('policy versions over time', () => {
  // Recorded out of date order: the 2021 version before a late-recorded 2018 one.
  const timeline = new PolicyTimeline([
    version('seed', '2014-01-01'),
    version('v2021', '2021-01-01', { minVisitsPerYear: 12 }),
    version('v2018', '2018-07-01', { noticeDays: 5 }),
    version('v2021-fix', '2021-01-01', { minVisitsPerYear: 10 }),
  ]);

  it('gives the version in force on a date: the latest effective on or before it, the later recorded of one date', () => {
    expect(timeline.at('2015-06-01').id).toBe('seed');
    expect(timeline.at('2018-06-30').id).toBe('seed');
    expect(timeline.at('2018-07-01').id).toBe('v2018');
    expect(timeline.at('2020-12-31').noticeDays).toBe(5);
    expect(timeline.at('2021-01-01').id).toBe('v2021-fix');
    expect(timeline.at('2030-01-01').minVisitsPerYear).toBe(10);
  });

  it('gives the first version for a date before every version, and finds a version by id', () => {
    expect(timeline.at('2000-01-01').id).toBe('seed');
    expect(timeline.byId('v2018')?.effectiveFrom).toBe('2018-07-01');
    expect(timeline.byId('nope')).toBeUndefined();
    expect(() => new PolicyTimeline([])).toThrow();
  });

  it('treats one policy as in force on every date', async () => {
    const fixed = await fixedPolicy(NATIONAL_POLICY).timeline();
    expect(fixed.at('2014-01-01')).toBe(NATIONAL_POLICY);
    expect(fixed.at('2099-12-31')).toBe(NATIONAL_POLICY);
    expect(policyOn(NATIONAL_POLICY, '2020-01-01')).toBe(NATIONAL_POLICY);
    expect(policyOn(timeline, '2019-01-01').id).toBe('v2018');
  });
});
