import { describe, expect, it } from 'vitest';
import { cmd, exited, given, HOUSEHOLD_ID, head, household, registered, spouse } from '../fixtures.js';

describe('monitoring (防返贫监测)', () => {
  const risks = ['大病医疗支出大'];
  it('records a household never registered together with its monitoring', () => {
    const newHousehold = given()
      .when(
        cmd('StartMonitoring', { category: 'edge_vulnerable', risks, household: household(), members: [head, spouse] }),
      )
      .result();
    expect(newHousehold).toEqual([
      {
        type: 'MonitoringStarted',
        data: {
          householdId: HOUSEHOLD_ID,
          category: 'edge_vulnerable',
          risks,
          household: household(),
          members: [head, spouse],
        },
      },
    ]);
    const state = given([{ ...(newHousehold[0] as object), effectiveAt: '2020-06-01' } as never]).state;
    expect(state).toMatchObject({
      status: 'unregistered',
      monitoring: { category: 'edge_vulnerable', since: '2020-06-01' },
    });
    given()
      .when(cmd('StartMonitoring', { category: 'edge_vulnerable', risks }))
      .thenInvalid('household');
    given(exited())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks, household: household(), members: [head] }))
      .thenInvalid('household');
  });

  it('monitors exited households as unstable, never registered poor households, and releases when the risk is eliminated', () => {
    given(exited())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks }))
      .thenEmits([
        { type: 'MonitoringStarted', data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks } },
      ]);
    given(registered())
      .when(cmd('StartMonitoring', { category: 'sudden_hardship', risks }))
      .thenRefuses('STATUS');
    given(registered())
      .when(cmd('StartMonitoring', { category: 'unstable_exited', risks }))
      .thenRefuses('STATUS');
    const monitored = given(exited(), [
      {
        type: 'MonitoringStarted',
        data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks },
        effectiveAt: '2020-06-01',
      },
    ]);
    monitored.when(cmd('StartMonitoring', { category: 'sudden_hardship', risks })).thenRefuses('ALREADY_MONITORED');
    monitored
      .when(cmd('EndMonitoring', {}))
      .thenEmits([{ type: 'MonitoringEnded', data: { reason: 'risk_eliminated' } }]);
    given(exited()).when(cmd('EndMonitoring', {})).thenRefuses('NOT_MONITORED');
    const released = given(exited(), [
      {
        type: 'MonitoringStarted',
        data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited', risks },
        effectiveAt: '2020-06-01',
      },
      { type: 'MonitoringEnded', data: { reason: 'risk_eliminated' }, effectiveAt: '2021-01-15' },
    ]).state;
    expect(released.monitoring).toBeUndefined();
    expect(released.monitoringPeriods).toEqual([
      { category: 'unstable_exited', risks, from: '2020-06-01', to: '2021-01-15', ended: 'eliminated' },
    ]);
  });

  it('ends a period by how monitoring ended: 返贫 and 自然减少 apart from 风险消除', () => {
    const started = {
      type: 'MonitoringStarted' as const,
      data: { householdId: HOUSEHOLD_ID, category: 'unstable_exited' as const, risks },
      effectiveAt: '2020-06-01',
    };
    const returned = given(exited(), [
      started,
      {
        type: 'ReturnedToPoverty',
        data: { attribute: 'ordinary', mainCause: 'illness', otherCauses: [] },
        effectiveAt: '2021-03-01',
      },
    ]).state;
    expect(returned.monitoringPeriods.at(-1)).toMatchObject({ to: '2021-03-01', ended: 'returned' });
    const gone = given(exited(), [
      started,
      { type: 'NaturalDecreaseRecorded', data: { reason: 'died_out' }, effectiveAt: '2021-04-01' },
    ]).state;
    expect(gone.monitoringPeriods.at(-1)).toMatchObject({ to: '2021-04-01', ended: 'decreased' });
    // Not monitored: a return ends no period.
    const never = given(exited(), [
      {
        type: 'ReturnedToPoverty',
        data: { attribute: 'ordinary', mainCause: 'illness', otherCauses: [] },
        effectiveAt: '2021-03-01',
      },
    ]).state;
    expect(never.monitoringPeriods).toEqual([]);
  });

  it('lets an unregistered monitored household receive help and apply later', () => {
    const monitored = given([
      {
        type: 'MonitoringStarted',
        data: {
          householdId: HOUSEHOLD_ID,
          category: 'sudden_hardship',
          risks,
          household: household(),
          members: [head],
        },
        effectiveAt: '2020-06-01',
      },
    ]);
    monitored.when(cmd('AssignHelper', { helper: { helperId: 'h', name: '王', unit: '镇' } })).result();
    monitored.when(cmd('ApplyForRegistration', { household: household(), members: [head] })).result();
  });
});
