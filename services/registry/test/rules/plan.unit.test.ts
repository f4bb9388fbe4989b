import { describe, expect, it } from 'vitest';
import { applied, cmd, given, registered } from '../fixtures.js';

const plan = (data: Record<string, unknown> = {}) =>
  cmd('RecordHouseholdPlan', {
    year: 2019,
    goal: '发展湖羊养殖，妻子公益岗位就业，年底人均纯收入超过标准',
    incomeTargetFen: 800_000,
    categories: ['industry', 'employment'],
    ...data,
  });
const recorded = (data: Record<string, unknown> = {}, effectiveAt = '2019-02-01') => ({
  type: 'HouseholdPlanRecorded' as const,
  data: {
    year: 2019,
    goal: '发展湖羊养殖，妻子公益岗位就业，年底人均纯收入超过标准',
    incomeTargetFen: 800_000,
    categories: ['industry' as const, 'employment' as const],
    ...data,
  },
  effectiveAt,
});

describe('the household plan (一户一策)', () => {
  it('records the plan of a year as a whole for an assisted household', () => {
    given(registered())
      .when(plan())
      .thenEmits([{ type: 'HouseholdPlanRecorded', data: recorded().data }]);
    expect(given(registered(), [recorded()]).state.plans).toEqual([
      {
        year: 2019,
        goal: recorded().data.goal,
        incomeTargetFen: 800_000,
        categories: ['industry', 'employment'],
        recordedOn: '2019-02-01',
      },
    ]);
  });

  it('revises a year’s plan when recorded again, keeping other years', () => {
    const state = given(registered(), [
      recorded(),
      recorded({ year: 2020, categories: ['education_aid'] }, '2020-02-01'),
      recorded({ goal: '改为外出务工', categories: ['employment'] }, '2019-06-01'),
    ]).state;
    expect(state.plans.map((p) => [p.year, p.goal, p.recordedOn])).toEqual([
      [2019, '改为外出务工', '2019-06-01'],
      [2020, recorded().data.goal, '2020-02-01'],
    ]);
  });

  it('needs an assisted household and at least one kind of measure', () => {
    given(applied()).when(plan()).thenRefuses('STATUS');
    expect(() => plan({ categories: [] })).toThrow(/at least one kind of measure/);
  });
});
