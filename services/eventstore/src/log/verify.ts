import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import type { EventStore, Position, RecordedEvent } from '../types.js';
import { StreamChains } from './entry.js';
import { TreeBuilder } from './merkle.js';
import { verifyHead } from './signer.js';
import { migrateLog, signedHeads } from './tables.js';

/** The first place where the stored log and what was sealed part, named for a person to find. */
export interface LogDifference {
  /** The leaf (0-based place in the sealed log) where they part. */
  leaf: number;
  kind: 'edited' | 'missing' | 'inserted' | 'head';
  detail: string;
}

export interface LogVerification {
  /** Events read from the store. */
  events: number;
  /** Leaves of the sealed log checked against them. */
  sealed: number;
  /** Signed heads whose signature and root were checked. */
  heads: number;
  /** Events after the last sealed one: appended since, not yet evident. */
  unsealed: number;
  difference?: LogDifference;
}

const PAGE = 5_000;

/**
 * Recomputes every event's hash from the store, in log order and chained by stream, and the
 * tree over them, and checks them against the sealed leaves and every signed head (its
 * signature with `publicKey`, its root at its size). Stops at the first difference and names
 * it: an event edited since it was sealed, one missing (deleted) or one that is not in the
 * sealed log where it stands (inserted, or reordered).
 */
export async function verifyLog(
  store: EventStore,
  pool: pg.Pool,
  publicKey: KeyObject,
  onProgress?: (events: number) => void,
): Promise<LogVerification> {
  await migrateLog(pool); // a log never sealed has empty tables, not none
  const heads = await signedHeads(pool);
  const result: LogVerification = { events: 0, sealed: 0, heads: 0, unsealed: 0 };
  const chains = new StreamChains();
  const tree = new TreeBuilder();
  let nextHead = 0;
  let after: Position | undefined;
  let leafAfter = -1;
  let leaves: { idx: number; position: string; hash: Buffer }[] = [];
  let at = 0;
  let allRead = false;
  const fail = (leaf: number, kind: LogDifference['kind'], detail: string) => {
    result.difference = { leaf, kind, detail };
    return result;
  };
  const describe = (e: RecordedEvent) =>
    `event ${e.id} (stream ${e.streamName}, revision ${e.revision}, position ${e.position})`;
  // A head signed before any event: the empty tree's.
  for (; heads[nextHead]?.treeSize === 0; nextHead++) {
    const head = heads[nextHead];
    if (!head || !verifyHead(head, publicKey) || !head.rootHash.equals(tree.root())) {
      return fail(0, 'head', 'the head signed for the empty log does not verify');
    }
    result.heads++;
  }
  for (;;) {
    const events = await store.readAll(after === undefined ? { maxCount: PAGE } : { after, maxCount: PAGE });
    for (const event of events) {
      result.events++;
      if (at === leaves.length && !allRead) {
        const page = await pool.query<{ idx: string; position: string; hash: Buffer }>(
          'SELECT idx, position, hash FROM log_leaves WHERE idx > $1 ORDER BY idx LIMIT $2',
          [leafAfter, PAGE],
        );
        leaves = page.rows.map((r) => ({ idx: Number(r.idx), position: r.position, hash: r.hash }));
        at = 0;
        allRead = leaves.length < PAGE;
      }
      const leaf = leaves[at++];
      if (!leaf) {
        result.unsealed++;
        continue;
      }
      leafAfter = leaf.idx;
      if (leaf.idx !== tree.size) return fail(tree.size, 'missing', `the sealed log has no leaf ${tree.size}`);
      if (event.position !== leaf.position) {
        return event.position < leaf.position
          ? fail(
              leaf.idx,
              'inserted',
              `${describe(event)} is not in the sealed log; leaf ${leaf.idx} is at ${leaf.position}`,
            )
          : fail(
              leaf.idx,
              'missing',
              `the event sealed as leaf ${leaf.idx} at position ${leaf.position} is no longer in the store`,
            );
      }
      if (!chains.knows(event)) {
        return fail(
          leaf.idx,
          'missing',
          `${describe(event)} follows a revision of its stream the store no longer holds`,
        );
      }
      const { hash } = chains.next(event);
      if (!hash.equals(leaf.hash)) return fail(leaf.idx, 'edited', `${describe(event)} differs from what was sealed`);
      tree.append(hash);
      result.sealed++;
      for (; nextHead < heads.length && heads[nextHead]?.treeSize === tree.size; nextHead++) {
        const head = heads[nextHead];
        if (!head) break;
        if (!verifyHead(head, publicKey)) {
          return fail(leaf.idx, 'head', `the signature of the head of size ${head.treeSize} does not verify`);
        }
        if (!head.rootHash.equals(tree.root())) {
          return fail(leaf.idx, 'head', `the log's first ${head.treeSize} events do not have the root signed for them`);
        }
        result.heads++;
      }
    }
    onProgress?.(result.events);
    if (events.length < PAGE) break;
    after = events.at(-1)?.position;
  }
  const more = await pool.query<{ idx: string; position: string }>(
    'SELECT idx, position FROM log_leaves WHERE idx > $1 ORDER BY idx LIMIT 1',
    [leafAfter],
  );
  const gone = more.rows[0];
  if (gone) {
    return fail(
      Number(gone.idx),
      'missing',
      `the event sealed as leaf ${gone.idx} at position ${gone.position} is no longer in the store`,
    );
  }
  const unchecked = heads.slice(nextHead).find((h) => h.treeSize > tree.size);
  if (unchecked) {
    return fail(
      tree.size,
      'missing',
      `a head was signed for ${unchecked.treeSize} events; the store holds ${tree.size} sealed`,
    );
  }
  return result;
}
