import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { type HistoryEvent, stateAsOf, timeline } from '@registry/registry';
import { requireArea } from '../auth.js';
import { builder, pageComplexity } from './builder.js';
import type { Context } from './context.js';
import { EventType } from './event-type.js';
import { HouseholdFacts, HouseholdStateType, type StateView } from './household-types.js';
import { loadHouseholds, type RollRow } from './roll-data.js';

export const HouseholdType = builder.objectRef<RollRow>('Household').implement({
  description: 'A household as the registry shows it now (the read model), with its history from the log.',
  interfaces: [HouseholdFacts],
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'Revision of its last event: pass as expectedVersion.' }),
    countyCode: t.string({ nullable: true, resolve: (h) => h.countyCode }),
    townshipCode: t.string({ nullable: true, resolve: (h) => h.townshipCode }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'When its last event was recorded.',
      resolve: (h) => h.updatedAt,
    }),
    lastEffectiveAt: t.field({ type: 'Date', resolve: (h) => h.lastEffectiveAt }),
    exitsMissingEvidence: t.exposeInt('exitsMissingEvidence', {
      description: 'Exits whose criteria evidence (the assessment) was later voided or is gone.',
    }),
    history: t.connection(
      {
        type: EventType,
        description: 'Its events in stream order, with both clocks; cursors are stable (the log never changes).',
        complexity: pageComplexity,
        resolve: async (h, args, ctx) => {
          const events = await ctx.history(h.householdId);
          return resolveOffsetConnection(
            { args, totalCount: events.length, defaultSize: 50, maxSize: 500 },
            ({ offset, limit }) => events.slice(offset, offset + limit),
          );
        },
      },
      {
        fields: (c) => ({
          totalCount: c.int({
            description: 'Events in the stream.',
            resolve: (connection) => (connection as unknown as { totalCount: number }).totalCount,
          }),
        }),
      },
    ),
    timeline: t.field({
      type: [TimelineEntryType],
      description: 'The state after each event: what the registry showed at every step.',
      resolve: async (h, _args, ctx) =>
        timeline(await ctx.history(h.householdId)).map((entry) => ({
          event: entry.event,
          view: { householdId: h.householdId, state: entry.state },
        })),
    }),
    asOf: t.field({
      type: HouseholdStateType,
      description:
        'The household as effective on a business date, as known at a system time (default: now). The same arguments give the same answer however much is recorded later.',
      args: {
        effectiveOn: t.arg({ type: 'Date', required: true }),
        knownAt: t.arg({ type: 'DateTime' }),
      },
      resolve: async (h, args, ctx) => ({
        householdId: h.householdId,
        state: stateAsOf(await ctx.history(h.householdId), args.effectiveOn, args.knownAt ?? ctx.now),
      }),
    }),
  }),
});

const TimelineEntryType = builder.objectRef<{ event: HistoryEvent; view: StateView }>('TimelineEntry').implement({
  fields: (t) => ({
    event: t.field({ type: EventType, resolve: (e) => e.event }),
    state: t.field({ type: HouseholdStateType, resolve: (e) => e.view }),
  }),
});

/** Waits for the read models to reach a position the caller wrote, when asked. */
export async function readYourWrites(ctx: Context, position: string | null | undefined): Promise<void> {
  if (position) await ctx.deps.waitForRegistry(position);
}

builder.queryField('household', (t) =>
  t.field({
    type: HouseholdType,
    nullable: true,
    description: 'One household, now. With waitFor, answers only once the read models include that position.',
    args: {
      id: t.arg.id({ required: true }),
      waitFor: t.arg({ type: 'Position', description: 'A position a mutation returned.' }),
    },
    resolve: async (_root, args, ctx) => {
      await readYourWrites(ctx, args.waitFor);
      const [row] = await loadHouseholds(ctx, [String(args.id)]);
      if (!row) return null;
      requireArea(ctx.viewer, row.villageCode, `household ${args.id}`);
      return row;
    },
  }),
);
