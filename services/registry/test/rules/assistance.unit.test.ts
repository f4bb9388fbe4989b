import { describe, expect, it } from 'vitest';
import { applied, cmd, type Given, given, helper, ids, registered, stateOf, withHelper } from '../fixtures.js';

describe('assistance: helper, measures, visits', () => {
  it('assigns and replaces the helper; assistance and visits only for households on the roll', () => {
    given(registered())
      .when(cmd('AssignHelper', { helper }))
      .thenEmits([{ type: 'HelperAssigned', data: { helper } }]);
    const other = { helperId: 'cadre-077', name: '赵书记', unit: '镇政府' };
    given(withHelper())
      .when(cmd('AssignHelper', { helper: other }))
      .thenEmits([{ type: 'HelperAssigned', data: { helper: other, replacesHelperId: helper.helperId } }]);
    given(withHelper()).when(cmd('AssignHelper', { helper })).thenRefuses('ALREADY_ASSIGNED');
    given(applied()).when(cmd('AssignHelper', { helper })).thenRefuses('NOT_ASSISTED');
    given(applied())
      .when(cmd('RecordVisit', { notes: '入户走访' }))
      .thenRefuses('NOT_ASSISTED');
    given(registered())
      .when(cmd('RecordVisit', { notes: '入户走访' }))
      .thenRefuses('NO_HELPER');
  });

  it('records a visit by the assigned helper, with an id derived from the command', () => {
    const [visit] = given(withHelper())
      .when(cmd('RecordVisit', { notes: '了解种植情况' }), { effectiveAt: '2019-03-02' })
      .result();
    expect(visit).toMatchObject({
      type: 'VisitRecorded',
      data: { helperId: helper.helperId, visitedOn: '2019-03-02', notes: '了解种植情况' },
    });
    const [again] = given(withHelper())
      .when(cmd('RecordVisit', { notes: '了解种植情况' }), { effectiveAt: '2019-03-02' })
      .result();
    expect(again).toEqual(visit);
  });

  it('keeps visits in stream order; a visit id recorded again replaces its entry', () => {
    const visit = (visitId: string, visitedOn: string, notes: string): Given => ({
      type: 'VisitRecorded',
      data: { visitId, helperId: helper.helperId, visitedOn, notes },
      effectiveAt: visitedOn,
    });
    const [a, b] = ['9f1c2a52-7d3e-4c61-9a57-0b4f3f0c1a01', '9f1c2a52-7d3e-4c61-9a57-0b4f3f0c1a02'];
    const state = stateOf([
      ...withHelper(),
      visit(a, '2019-03-02', '了解种植情况'),
      visit(b, '2019-04-02', '入户走访'),
      visit(a, '2019-03-03', '更正日期'),
    ]);
    expect(state.visits).toEqual([
      { visitId: a, helperId: helper.helperId, visitedOn: '2019-03-03', notes: '更正日期' },
      { visitId: b, helperId: helper.helperId, visitedOn: '2019-04-02', notes: '入户走访' },
    ]);
  });

  it('plans measures with funds and refuses deliveries beyond the plan', () => {
    const plan = {
      measureId: ids.measure,
      category: 'industry',
      description: '养殖湖羊10只',
      amountFen: 500_000,
      fundingSource: 'central',
      year: 2019,
    };
    given(withHelper())
      .when(cmd('PlanAssistance', plan))
      .thenEmits([{ type: 'AssistancePlanned', data: plan as never }]);
    const planned = [...withHelper(), { type: 'AssistancePlanned' as const, data: plan as never }];
    given(planned).when(cmd('PlanAssistance', plan)).thenRefuses('MEASURE_EXISTS');
    given(planned)
      .when(cmd('RecordAssistanceDelivered', { measureId: ids.measure, amountFen: 300_000 }), {
        effectiveAt: '2019-04-01',
      })
      .thenEmits([
        {
          type: 'AssistanceDelivered',
          data: { measureId: ids.measure, amountFen: 300_000, deliveredOn: '2019-04-01' },
        },
      ]);
    const partly = [
      ...planned,
      {
        type: 'AssistanceDelivered' as const,
        data: { measureId: ids.measure, amountFen: 300_000, deliveredOn: '2019-04-01' },
      },
    ];
    expect(given(partly).state.measures[ids.measure]?.deliveredFen).toBe(300_000);
    given(partly)
      .when(cmd('RecordAssistanceDelivered', { measureId: ids.measure, amountFen: 200_001 }))
      .thenRefuses('OVER_DELIVERY', { plannedFen: 500_000, deliveredFen: 300_000, requestedFen: 200_001 });
    given(withHelper())
      .when(cmd('RecordAssistanceDelivered', { measureId: ids.measure, amountFen: 1 }))
      .thenRefuses('NO_SUCH_MEASURE');
  });

  it('follows a measure from planned to under way to completed, or cancelled; a cancelled one takes no delivery', () => {
    const plan = {
      measureId: ids.measure,
      category: 'industry',
      description: '养殖湖羊10只',
      amountFen: 500_000,
      fundingSource: 'central',
      year: 2019,
    };
    const planned = [...withHelper(), { type: 'AssistancePlanned' as const, data: plan as never }];
    expect(given(planned).state.measures[ids.measure]?.status).toBe('planned');
    given(planned)
      .when(cmd('ChangeMeasureStatus', { measureId: ids.measure, status: 'under_way' }))
      .thenEmits([{ type: 'MeasureStatusChanged', data: { measureId: ids.measure, status: 'under_way' } }]);
    const underWay: Given[] = [
      ...planned,
      {
        type: 'MeasureStatusChanged',
        data: { measureId: ids.measure, status: 'under_way' },
        effectiveAt: '2019-05-01',
      },
    ];
    expect(given(underWay).state.measures[ids.measure]).toMatchObject({ status: 'under_way', statusOn: '2019-05-01' });
    given(underWay)
      .when(cmd('ChangeMeasureStatus', { measureId: ids.measure, status: 'under_way' }))
      .thenRefuses('NO_CHANGE');
    const cancelled: Given[] = [
      ...underWay,
      { type: 'MeasureStatusChanged', data: { measureId: ids.measure, status: 'cancelled', note: '农户放弃' } },
    ];
    given(cancelled)
      .when(cmd('ChangeMeasureStatus', { measureId: ids.measure, status: 'completed' }))
      .thenRefuses('MEASURE_CLOSED');
    given(cancelled)
      .when(cmd('RecordAssistanceDelivered', { measureId: ids.measure, amountFen: 1 }))
      .thenRefuses('MEASURE_CLOSED');
    given(withHelper())
      .when(cmd('ChangeMeasureStatus', { measureId: ids.measure, status: 'completed' }))
      .thenRefuses('NO_SUCH_MEASURE');
  });
});
