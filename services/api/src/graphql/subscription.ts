import { type HistoryEvent, toHistoryEvent } from '@registry/registry';
import { HOUSEHOLD_STREAM_PREFIX } from '@registry/schema';
import { areaPrefix } from '../auth.js';
import { builder } from './builder.js';
import type { Context } from './context.js';
import { EventType } from './event-type.js';
import { loadHouseholds } from './roll-data.js';
import { requireAreaCode } from './snapshot.js';

/**
 * New household events in an area, from the moment of subscribing, in log order. The area
 * of a household comes from its application, or else from the read models once they have
 * reached the event.
 */
async function* areaEvents(ctx: Context, areaCode: string): AsyncGenerator<HistoryEvent> {
  const prefix = areaPrefix(areaCode);
  const after = await ctx.deps.eventStore.headPosition();
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

builder.subscriptionField('householdEvents', (t) =>
  t.field({
    type: EventType,
    description: 'New household events in a county, township or village, as they are recorded (SSE).',
    args: { areaCode: t.arg({ type: 'AreaCode', required: true }) },
    subscribe: (_root, args, ctx) => {
      requireAreaCode(ctx, args.areaCode);
      return areaEvents(ctx, args.areaCode);
    },
    resolve: (event) => event,
  }),
);
