import { deriveId } from '../ids.js';
import { refuse, requireAssisted } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/**
 * 帮扶: a responsible helper per household, measures with their funds, and the helper's
 * visits. Only for households on the assistance roll (registered, returned, exited) or in
 * monitoring; deliveries never exceed the plan.
 */
export const decide: Deciders<
  'AssignHelper' | 'PlanAssistance' | 'RecordAssistanceDelivered' | 'ChangeMeasureStatus' | 'RecordVisit'
> = {
  AssignHelper: (command, state) => {
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
  },

  PlanAssistance: (command, state, ctx) => {
    requireAssisted(state, 'plan assistance');
    const measureId = command.data.measureId ?? deriveId(ctx.commandId, 'measure');
    if (state.measures[measureId]) refuse('MEASURE_EXISTS', `measure ${measureId} is already planned`);
    return [{ type: 'AssistancePlanned', data: { ...command.data, measureId } }];
  },

  RecordAssistanceDelivered: (command, state, ctx) => {
    requireAssisted(state, 'deliver assistance');
    const measure = state.measures[command.data.measureId];
    if (!measure) refuse('NO_SUCH_MEASURE', `measure ${command.data.measureId} was not planned for this household`);
    if (measure.status === 'cancelled')
      refuse('MEASURE_CLOSED', 'the measure was cancelled; nothing is delivered on it', { status: measure.status });
    if (measure.deliveredFen + command.data.amountFen > measure.amountFen) {
      refuse('OVER_DELIVERY', 'deliveries would exceed the planned amount', {
        plannedFen: measure.amountFen,
        deliveredFen: measure.deliveredFen,
        requestedFen: command.data.amountFen,
      });
    }
    return [{ type: 'AssistanceDelivered', data: { ...command.data, deliveredOn: ctx.effectiveAt } }];
  },

  ChangeMeasureStatus: (command, state) => {
    requireAssisted(state, 'change a measure’s status');
    const measure = state.measures[command.data.measureId];
    if (!measure) refuse('NO_SUCH_MEASURE', `measure ${command.data.measureId} was not planned for this household`);
    if (measure.status === command.data.status) refuse('NO_CHANGE', `the measure is already ${measure.status}`);
    // Planned → under way → completed, or cancelled before completion; completed and cancelled are final.
    if (measure.status === 'completed' || measure.status === 'cancelled') {
      refuse('MEASURE_CLOSED', `the measure is ${measure.status}; its status no longer changes`, {
        status: measure.status,
      });
    }
    return [{ type: 'MeasureStatusChanged', data: command.data }];
  },

  RecordVisit: (command, state, ctx) => {
    requireAssisted(state, 'record a visit');
    if (!state.helper) refuse('NO_HELPER', 'the household has no helper assigned');
    return [
      {
        type: 'VisitRecorded',
        data: {
          visitId: command.data.visitId ?? deriveId(ctx.commandId, 'visit'),
          helperId: state.helper.helperId,
          visitedOn: ctx.effectiveAt,
          notes: command.data.notes,
        },
      },
    ];
  },
};

export const evolve: Evolvers<
  'HelperAssigned' | 'AssistancePlanned' | 'AssistanceDelivered' | 'MeasureStatusChanged' | 'VisitRecorded'
> = {
  HelperAssigned: (state, event) => ({ ...state, helper: event.data.helper }),
  AssistancePlanned: (state, event) => ({
    ...state,
    measures: {
      ...state.measures,
      [event.data.measureId]: { ...event.data, status: 'planned', deliveredFen: 0, deliveries: [] },
    },
  }),
  MeasureStatusChanged: (state, event) => {
    const measure = state.measures[event.data.measureId];
    if (!measure) return state;
    return {
      ...state,
      measures: {
        ...state.measures,
        [measure.measureId]: { ...measure, status: event.data.status, statusOn: event.effectiveAt },
      },
    };
  },
  AssistanceDelivered: (state, event) => {
    const measure = state.measures[event.data.measureId];
    if (!measure) return state;
    const delivery = { amountFen: event.data.amountFen, deliveredOn: event.data.deliveredOn };
    return {
      ...state,
      measures: {
        ...state.measures,
        [measure.measureId]: {
          ...measure,
          deliveredFen: measure.deliveredFen + delivery.amountFen,
          deliveries: [...measure.deliveries, delivery],
        },
      },
    };
  },
  VisitRecorded: (state, event) => {
    const visit = {
      visitId: event.data.visitId,
      helperId: event.data.helperId,
      visitedOn: event.data.visitedOn,
      notes: event.data.notes,
    };
    const at = state.visits.findIndex((v) => v.visitId === visit.visitId);
    return {
      ...state,
      visits: at < 0 ? [...state.visits, visit] : state.visits.map((v, i) => (i === at ? visit : v)),
    };
  },
};
