import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { type HouseholdView, toView } from '@registry/projections';
import { dutyOfType, type HistoryEvent, stateAsOf, timeline } from '@registry/registry';
import { areaLevelOf, type CaseStep, chinaDate, HOUSEHOLD_COMMAND_TYPES } from '@registry/schema';
import { GraphQLError } from 'graphql';
import { withinScope } from '../auth.js';
import { builder, pageComplexity } from './builder.js';
import type { Context } from './context.js';
import { EventType } from './event-type.js';
import { HouseholdFacts, HouseholdStateType } from './household-types.js';
import { badInput, ERROR_CODES } from './problems.js';
import { loadHouseholds, type RollRow } from './roll-data.js';

const CommandLevels = builder.objectRef<{ command: string; levels: string[] }>('CommandLevels').implement({
  description: 'A command and the area levels whose clerks record it (village, township, county, province).',
  fields: (t) => ({
    command: t.exposeString('command'),
    levels: t.exposeStringList('levels'),
  }),
});

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
    mayRecord: t.stringList({
      description:
        'The commands your level may record on this household now under the policy in force today (村申请、乡审核、县审批): the level rules only; each command’s own rules decide the rest.',
      resolve: async (h, _args, ctx) => {
        const level = ctx.viewer.scope === null ? 'province' : areaLevelOf(ctx.viewer.scope);
        const policy = (await ctx.deps.policies.timeline()).at(chinaDate(new Date(ctx.now)));
        const open = h.openCase;
        const atStep = open ? { kind: open.kind, step: open.step as CaseStep, notice: open.notice } : null;
        return HOUSEHOLD_COMMAND_TYPES.filter((type) => {
          const duty = dutyOfType(type, atStep);
          const allowed = duty ? policy.dutyLevels?.[duty] : undefined;
          return !allowed || allowed.includes(level);
        });
      },
    }),
    recordedElsewhere: t.field({
      type: [CommandLevels],
      description:
        'The commands your level may not record on this household now, with the levels that record them under the policy in force today: to say which office takes the next step.',
      resolve: async (h, _args, ctx) => {
        const level = ctx.viewer.scope === null ? 'province' : areaLevelOf(ctx.viewer.scope);
        const policy = (await ctx.deps.policies.timeline()).at(chinaDate(new Date(ctx.now)));
        const open = h.openCase;
        const atStep = open ? { kind: open.kind, step: open.step as CaseStep, notice: open.notice } : null;
        return HOUSEHOLD_COMMAND_TYPES.flatMap((command) => {
          const duty = dutyOfType(command, atStep);
          const levels = duty ? policy.dutyLevels?.[duty] : undefined;
          return levels && !levels.includes(level) ? [{ command, levels: [...levels] }] : [];
        });
      },
    }),
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
          view: toView(h.householdId, entry.state),
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
      resolve: async (h, args, ctx) =>
        toView(
          h.householdId,
          stateAsOf(await ctx.history(h.householdId), args.effectiveOn, knownAtOrNow(ctx, args.knownAt, 'knownAt')),
        ),
    }),
  }),
});

const TimelineEntryType = builder.objectRef<{ event: HistoryEvent; view: HouseholdView }>('TimelineEntry').implement({
  fields: (t) => ({
    event: t.field({ type: EventType, resolve: (e) => e.event }),
    state: t.field({ type: HouseholdStateType, resolve: (e) => e.view }),
  }),
});

/**
 * "As known at" a system time: the time given, or the request's time. A time after now is
 * refused: what the registry will know then is not known yet, so the answer could change.
 */
export function knownAtOrNow(ctx: Context, knownAt: string | null | undefined, path: string): string {
  if (!knownAt) return ctx.now;
  if (knownAt > ctx.now) {
    throw badInput(
      path,
      `must not be after now (${ctx.now}): the registry cannot answer for what it does not know yet`,
    );
  }
  return knownAt;
}

/** How long a position beyond the readable end of the log is given to become readable. */
const UNSEEN_POSITION_GRACE_MS = 1_000;
/** How long a position that is committed but held back from readers is waited for. */
const HELD_BACK_WAIT_MS = 10_000;

/**
 * Waits for the read models to reach a position the caller wrote, when asked. A position the
 * log does not hold is refused at once (after a moment's grace for a write just committed);
 * one that is committed but held back from readers (a transaction left open), or that the read
 * models do not reach in time, answers READ_MODEL_BEHIND, to be retried.
 */
export async function readYourWrites(ctx: Context, position: string | null | undefined): Promise<void> {
  if (!position) return;
  const started = Date.now();
  for (;;) {
    const head = await ctx.deps.eventStore.headPosition();
    if (head !== undefined && position <= head) break;
    const waited = Date.now() - started;
    if (waited >= UNSEEN_POSITION_GRACE_MS) {
      const blockage = await ctx.deps.eventStore.readBlockage?.();
      if (!blockage || position > blockage.committedHead) {
        throw badInput(
          'waitFor',
          `is not in the log as it can be read now (its end is at ${head ?? 'the start'}): pass a position a mutation returned`,
        );
      }
      if (waited >= HELD_BACK_WAIT_MS) {
        const t = blockage.transaction;
        throw new GraphQLError(
          `position ${position} is committed but held back from readers by ${t ? `an open transaction (pid ${t.pid}, ${t.application || 'no application name'}, open since ${t.since})` : 'an open transaction'}; retry once it ends`,
          { extensions: { code: ERROR_CODES.behind, position, heldBackEvents: blockage.events } },
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await ctx.deps.waitForRegistry(position);
}

builder.queryField('household', (t) =>
  t.field({
    type: HouseholdType,
    nullable: true,
    description:
      'One household, now; null when there is none with this id in your area. With waitFor, answers only once the read models include that position.',
    args: {
      id: t.arg.id({ required: true }),
      waitFor: t.arg({ type: 'Position', description: 'A position a mutation returned.' }),
    },
    resolve: async (_root, args, ctx) => {
      await readYourWrites(ctx, args.waitFor);
      const [row] = await loadHouseholds(ctx, [String(args.id)]);
      // Outside the caller's area a household is not there at all: the answer is the same as
      // for an id that was never used, so nobody learns what exists elsewhere.
      if (!row) return null;
      if (ctx.viewer.scope !== null && !(row.villageCode && withinScope(ctx.viewer.scope, row.villageCode)))
        return null;
      return row;
    },
  }),
);
