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
 * Collects subscription events until `until` says stop. When `timeoutMs` passes first it
 * throws, saying what it had: a slow or lost delivery fails the test rather than passing with
 * what arrived.
 */
export async function collect(
  subscription: Subscription,
  until: (received: RecordedEvent[], caughtUp: boolean) => boolean,
  timeoutMs = 20_000,
): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void subscription.close();
  }, timeoutMs);
  try {
    for await (const message of subscription) {
      if (message.kind === 'event') received.push(message.event);
      if (until(received, message.kind === 'caughtUp')) return received;
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error(
    timedOut
      ? `the subscription did not deliver what was awaited within ${timeoutMs} ms (it delivered ${received.length} events)`
      : `the subscription ended before delivering what was awaited (${received.length} events)`,
  );
}
