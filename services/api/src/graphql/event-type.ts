import type { PersonalField } from '@registry/eventstore/log';
import type { HistoryEvent } from '@registry/registry';
import type { Actor } from '@registry/schema';
import { maskPersonalData, personalFieldsIn } from '../mask.js';
import { builder } from './builder.js';
import { RoleEnum } from './enums.js';

export const ActorType = builder.objectRef<Actor>('Actor').implement({
  description: 'Who caused an event, from their verified token.',
  fields: (t) => ({
    id: t.exposeString('id'),
    role: t.field({ type: RoleEnum, resolve: (a) => a.role }),
    unit: t.exposeString('unit'),
  }),
});

/** A stored household event with both clocks. */
export const EventType = builder.objectRef<HistoryEvent>('Event').implement({
  description: 'An immutable event of a household stream, as stored.',
  fields: (t) => ({
    id: t.exposeID('id'),
    householdId: t.exposeID('householdId'),
    type: t.exposeString('type', { description: 'Stable event type name, e.g. ExitApproved.' }),
    revision: t.exposeInt('revision', { description: "0-based place in the household's stream." }),
    position: t.field({ type: 'Position', resolve: (e) => e.position }),
    recordedAt: t.field({
      type: 'DateTime',
      description: 'System time: when it was recorded.',
      resolve: (e) => e.recordedAt,
    }),
    effectiveAt: t.field({
      type: 'Date',
      description: 'Business date: when it took effect.',
      resolve: (e) => e.effectiveAt,
    }),
    data: t.field({
      type: 'JSON',
      description: 'The event data; national ID numbers, phones and bank accounts masked for assessors.',
      resolve: (e, _args, ctx) => {
        if (ctx.viewer.masked) return maskPersonalData(e.data);
        ctx.reads.note(e.householdId, ...(personalFieldsIn(e.data) as Set<PersonalField>));
        return e.data;
      },
    }),
    actor: t.field({ type: ActorType, resolve: (e) => e.metadata.actor }),
    reason: t.string({ nullable: true, resolve: (e) => e.metadata.reason ?? null }),
    commandId: t.string({ nullable: true, resolve: (e) => e.metadata.commandId ?? null }),
    correlationId: t.id({ resolve: (e) => e.metadata.correlationId }),
    causationId: t.id({ nullable: true, resolve: (e) => e.metadata.causationId ?? null }),
  }),
});
