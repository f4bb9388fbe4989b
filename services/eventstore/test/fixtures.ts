import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@registry/schema';
import type { EventToAppend, JsonValue, RecordedEvent, Subscription } from '../src/index.js';

export function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actor: { id: 'clerk-0001', role: 'clerk', unit: '320924101000' },
    effectiveAt: '2019-12-31',
    reason: '村民代表评议通过',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    commandId: `cmd-${randomUUID()}`,
    ...overrides,
  };
}

export function event(type = 'Tested', data: JsonValue = { n: 1 }, meta?: Partial<EventMetadata>): EventToAppend {
  return { id: randomUUID(), type, data, metadata: metadata(meta) };
}

export function events(count: number, type = 'Tested'): EventToAppend[] {
  return Array.from({ length: count }, (_, n) => event(type, { n }));
}

/** A stream name no other test of the file uses. */
export function streamName(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/**
 * Collects subscription events until `until` says stop; fails after `timeoutMs` so a
 * lost event makes the test fail rather than hang.
 */
export async function collect(
  subscription: Subscription,
  until: (received: RecordedEvent[], caughtUp: boolean) => boolean,
  timeoutMs = 20_000,
): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  try {
    for await (const message of subscription) {
      if (message.kind === 'event') received.push(message.event);
      if (until(received, message.kind === 'caughtUp')) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return received;
}
