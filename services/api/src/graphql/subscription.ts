import { type HistoryEvent, toHistoryEvent } from '@registry/registry';
import { areaPrefix, HOUSEHOLD_STREAM_PREFIX } from '@registry/schema';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { EventType } from './event-type.js';
import { badInput } from './problems.js';
import { loadHouseholds } from './roll-data.js';
import { requireAreaCode } from './snapshot.js';

/**
 * Household events in an area in log order, after a position: the log's end when the client
 * subscribed, or the position of the last event a reconnecting client received (it misses
 * and repeats nothing); none: from the start. The area of a household comes from its
 * application, or else from the read models once they have reached the event.
 */
async function* areaEvents(ctx: Context, areaCode: string, after: string | undefined): AsyncGenerator<HistoryEvent> {
  const prefix = areaPrefix(areaCode);
  const subscription = ctx.deps.eventStore.subscribeToAll({
    ...(after ? { after } : {}),
    filter: { streamPrefixes: [HOUSEHOLD_STREAM_PREFIX] },
  });
  const villages = new Map<string, string | null>();
  try {
    for await (const message of subscription) {
      if (message.kind !== 'event') continue;
      const event = toHistoryEvent(message.event);
      let village = villages.get(event.householdId);
      if (village === undefined) {
        const details = 'household' in event.data ? event.data.household : undefined;
        if (details) {
          village = details.villageCode;
        } else {
          await ctx.deps.waitForRegistry(event.position);
          village = (await loadHouseholds(ctx, [event.householdId]))[0]?.villageCode ?? null;
        }
        villages.set(event.householdId, village);
      }
      if (village?.startsWith(prefix)) yield event;
    }
  } finally {
    await subscription.close();
  }
}

/** A position to resume from must be one the log holds: a made-up one would wait forever. */
async function inLog(ctx: Context, position: string): Promise<void> {
  const head = await ctx.deps.eventStore.headPosition();
  if (head !== undefined && position <= head) return;
  const blockage = await ctx.deps.eventStore.readBlockage?.();
  if (blockage && position <= blockage.committedHead) return;
  throw badInput('after', `is not a position of this log (its end is at ${head ?? 'the start'})`);
}

builder.subscriptionField('householdEvents', (t) =>
  t.field({
    type: EventType,
    description:
      'Household events in a county, township or village as they are recorded (SSE); with `after`, resumed from a position.',
    args: {
      areaCode: t.arg({ type: 'AreaCode', required: true }),
      after: t.arg({
        type: 'Position',
        description: 'Resume: events after this position (that of the last event received). Omitted: from now on.',
      }),
    },
    subscribe: async (_root, args, ctx) => {
      requireAreaCode(ctx, args.areaCode);
      if (args.after) await inLog(ctx, args.after);
      // "From now on" is fixed here, before the stream is answered: an event written once the
      // client knows it is connected is never before the start (undefined: an empty log).
      const after = args.after ?? (await ctx.deps.eventStore.headPosition());
      return areaEvents(ctx, args.areaCode, after);
    },
    resolve: (event) => event,
  }),
);
