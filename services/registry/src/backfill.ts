import type { EventStore } from '@registry/eventstore';
import { type EventMetadata, HOUSEHOLD_STREAM_PREFIX, householdStream } from '@registry/schema';
import { claimEvent, claimHead, heldKeys, type Key } from './claims.js';
import { foldHistory } from './fold.js';
import { deriveId } from './ids.js';
import { toHistoryEvent } from './stored.js';

export interface BackfillReport {
  households: number;
  /** Claims written now for keys households held without one (written before claims existed). */
  claimed: number;
  /** Keys two open households hold at once: recorded before the rule, for a clerk to resolve. */
  conflicts: { kind: Key['kind']; stream: string; holders: string[] }[];
}

/**
 * Claims, for a log written before claims existed, every key its households hold: one
 * `KeyClaimed` per key no claim stream speaks for yet. Idempotent (ids derive from the
 * household and the key): run it again and nothing is written. A key two households already
 * share is reported, not claimed for either: the registry cannot choose, a clerk must.
 */
export async function backfillClaims(
  store: EventStore,
  onProgress: (households: number) => void = () => {},
): Promise<BackfillReport> {
  const report: BackfillReport = { households: 0, claimed: 0, conflicts: [] };
  const owners = new Map<string, { key: Key; holders: string[]; metadata: EventMetadata }>();
  for await (const householdId of householdIds(store)) {
    const history = (await store.readStream(householdStream(householdId))).map(toHistoryEvent);
    const last = history[history.length - 1];
    if (!last) continue;
    report.households++;
    onProgress(report.households);
    const metadata = {
      actor: { id: 'registry-claims-backfill', role: 'system' as const, unit: 'registry' },
      effectiveAt: last.effectiveAt,
      correlationId: deriveId(`claims-backfill-${householdId}`, 'correlation'),
      commandId: `claims-backfill-${householdId}`,
    };
    for (const key of heldKeys(foldHistory(history)).values()) {
      const entry = owners.get(key.stream) ?? { key, holders: [] as string[], metadata };
      entry.holders.push(householdId);
      owners.set(key.stream, entry);
    }
  }
  for (const [stream, { key, holders, metadata }] of owners) {
    if (holders.length > 1) {
      report.conflicts.push({ kind: key.kind, stream, holders });
      continue;
    }
    const holder = holders[0] as string;
    const head = claimHead(await store.readStream(stream));
    if (head.holder === holder || head.revision >= 0) continue;
    const event = claimEvent('KeyClaimed', key, holder, metadata);
    const result = await store.append(stream, [event], { expectedRevision: 'no_stream' });
    if (!result.duplicate) report.claimed++;
  }
  return report;
}

async function* householdIds(store: EventStore): AsyncGenerator<string> {
  if (store.listStreams) {
    let after: string | undefined;
    for (;;) {
      const page = await store.listStreams({
        prefix: HOUSEHOLD_STREAM_PREFIX,
        limit: 1000,
        ...(after ? { after } : {}),
      });
      for (const stream of page) yield stream.slice(HOUSEHOLD_STREAM_PREFIX.length);
      if (page.length < 1000) return;
      after = page[page.length - 1];
    }
  }
  const seen = new Set<string>();
  let position: string | undefined;
  for (;;) {
    const page = await store.readAll({ maxCount: 5000, ...(position ? { after: position } : {}) });
    for (const e of page) {
      if (e.streamName.startsWith(HOUSEHOLD_STREAM_PREFIX) && e.revision === 0) {
        const id = e.streamName.slice(HOUSEHOLD_STREAM_PREFIX.length);
        if (!seen.has(id)) yield id;
        seen.add(id);
      }
    }
    if (page.length < 5000) return;
    position = page[page.length - 1]?.position;
  }
}
