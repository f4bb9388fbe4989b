import { HouseholdEvents, type HouseholdEventType } from '@registry/schema';
import { ValidationError } from '../errors.js';
import { refuse, requireReason } from './guards.js';
import type { Deciders, Evolvers } from './types.js';

/** Data fields a correction may not change: they identify what the event is about. */
export const CORRECTION_KEYS: Partial<Record<HouseholdEventType, (data: Record<string, unknown>) => unknown>> = {
  ApplicationSubmitted: (d) => d.householdId,
  MemberAdded: (d) => (d.member as { memberId?: unknown } | undefined)?.memberId,
  MemberUpdated: (d) => d.memberId,
  ConditionsAssessed: (d) => d.assessmentId,
  HelperAssigned: (d) => (d.helper as { helperId?: unknown } | undefined)?.helperId,
  HouseholdDetailsChanged: () => null,
  AssistancePlanned: (d) => d.measureId,
  AssistanceDelivered: (d) => d.measureId,
  VisitRecorded: (d) => d.visitId,
  RegistrationApproved: () => null,
  ReturnedToPoverty: () => null,
  AttributeAndCausesAdjusted: () => null,
  HouseholdImported: (d) => d.householdId,
  ExitImported: (d) => `${String(d.year)} ${String(d.exitedOn)}`,
  MeasureStatusChanged: (d) => d.measureId,
  ExitAnnulled: (d) => `${String(d.year)} ${String(d.exitedOn)}`,
  DataComparisonRecorded: () => null,
  MonitoringStarted: (d) => d.householdId,
};

/** An event's data as in force after the corrections among `history`: its latest replacement's, else its own. */
export function currentDataOf(
  history: Iterable<{ id: string; type: string; data: unknown }>,
  eventId: string,
): unknown {
  let data: unknown;
  for (const e of history) {
    if (e.id === eventId) data = e.data;
    const c = e.data as { correctedEventId?: string; action?: string; replacementData?: unknown };
    if (e.type === 'EventCorrected' && c.correctedEventId === eventId && c.action === 'replace')
      data = c.replacementData;
  }
  return data;
}

/** Events recorded in error that may be voided without breaking the case steps around them. */
export const VOIDABLE: readonly HouseholdEventType[] = ['ConditionsAssessed', 'AssistanceDelivered', 'VisitRecorded'];

/**
 * Corrections name the event they correct and why; nothing stored changes: the fold applies
 * the latest correction of each event (fold.ts). Data events can be corrected without changing
 * what they are about; assessments, deliveries and visits can also be voided. Decisions
 * (reviews, approvals) are never corrected: later events follow them.
 */
export const decide: Deciders<'CorrectEvent'> = {
  CorrectEvent: (command, _state, ctx) => {
    requireReason(ctx, 'correct an event');
    const target = ctx.findEvent(command.data.eventId);
    if (!target) refuse('NO_SUCH_EVENT', `event ${command.data.eventId} is not in this household's history`);
    const type = target.type as HouseholdEventType;
    const previousData = (ctx.currentData?.(command.data.eventId) ?? target.data) as Record<string, unknown>;
    if (type === 'EventCorrected')
      refuse('NOT_CORRECTABLE', 'a correction is not corrected; correct the original event again');
    if (command.data.action === 'void') {
      if (!VOIDABLE.includes(type)) {
        refuse('NOT_CORRECTABLE', `${type} cannot be voided; only ${VOIDABLE.join(', ')} can`, { type });
      }
      return [
        {
          type: 'EventCorrected',
          data: { correctedEventId: command.data.eventId, correctedType: type, action: 'void', previousData },
        },
      ];
    }
    const key = CORRECTION_KEYS[type];
    if (!key) {
      refuse('NOT_CORRECTABLE', `${type} records a decision; it cannot be corrected, only followed by another`, {
        type,
      });
    }
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
          previousData,
        },
      },
    ];
  },
};

export const evolve: Evolvers<'EventCorrected'> = {
  // Corrections are applied to the history before folding (fold.ts), not here.
  EventCorrected: (state) => state,
};
