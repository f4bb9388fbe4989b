import {
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  WrongExpectedVersion,
} from '@registry/eventstore';
import type { EventMetadata, HouseholdCommand } from '@registry/schema';
import { claimEvent, claimHead, heldKeys, type Key, keyTaken, pathOf } from './claims.js';
import type { IssuePaths } from './envelope.js';
import { RuleViolation } from './errors.js';
import type { HouseholdState } from './state.js';

export interface StreamAppend {
  stream: string;
  events: EventToAppend[];
  expectedRevision: ExpectedRevision;
}

/**
 * The command handler's side of the claims on keys (see claims.ts): what a command must claim
 * and release, checked against the claim streams and the holders' own streams, and how it is
 * appended with the household's events.
 */
export class KeyClaims {
  constructor(
    private readonly store: EventStore,
    private readonly load: (householdId: string) => Promise<{ state: HouseholdState }>,
    private readonly clock: () => Date,
    private readonly leaseMs: number,
  ) {}

  /**
   * The claims and releases a command's key changes need, each at its claim stream's revision
   * as read. A key held by another household that still holds it is refused, naming that
   * household as far as the caller may see it.
   */
  async plan(
    householdId: string,
    changes: { claim: Key[]; release: Key[] },
    metadata: EventMetadata,
    command: HouseholdCommand,
    paths: IssuePaths,
    canSee: ((villageCode: string) => boolean) | undefined,
  ): Promise<{ claim: StreamAppend[]; release: StreamAppend[] }> {
    const streams = await this.store.readStreams([...changes.claim, ...changes.release].map((k) => k.stream));
    const head = (k: Key) => claimHead(streams.get(k.stream) ?? []);
    const at = (revision: number): ExpectedRevision => (revision < 0 ? 'no_stream' : revision);
    const claim: StreamAppend[] = [];
    for (const k of changes.claim) {
      const { revision, holder, since } = head(k);
      if (holder === householdId) continue;
      if (holder !== undefined) {
        const held = await this.load(holder);
        const field = pathOf(command.data, k);
        const where = field === undefined ? paths.data : `${paths.data}.${field}`;
        if (heldKeys(held.state).has(k.stream)) {
          throw keyTaken(k, where, holder, held.state, canSee);
        }
        this.refusePending(k, where, since);
      }
      claim.push({
        stream: k.stream,
        events: [claimEvent('KeyClaimed', k, householdId, metadata)],
        expectedRevision: at(revision),
      });
    }
    const release: StreamAppend[] = [];
    for (const k of changes.release) {
      const { revision, holder } = head(k);
      if (holder !== householdId) continue;
      release.push({
        stream: k.stream,
        events: [claimEvent('KeyReleased', k, householdId, metadata)],
        expectedRevision: at(revision),
      });
    }
    return { claim, release };
  }

  /**
   * On a store without multi-stream appends (EventStoreDB) a claim is appended before its
   * household's events: a claim whose household does not hold the key yet may be a command
   * in flight, and is honoured for a lease before another household may take the key over.
   * On a store that appends both at once, such a claim is stale and free.
   */
  refusePending(k: Key, where: string, since: string | undefined): void {
    if (this.store.appendMany !== undefined || !since) return;
    if (Date.parse(since) + this.leaseMs > this.clock().getTime()) {
      throw new RuleViolation(
        'KEY_CLAIM_PENDING',
        `${where}: another household's command is taking this ${k.kind === 'card' ? 'card number' : 'ID number'} at this moment; try again in a minute`,
        { field: where },
      );
    }
  }

  /**
   * The household's events with their claims and releases: in one transaction where the store
   * can; otherwise claims first and releases last, so a failure between them leaves at worst a
   * stale claim (honoured for a lease) or a stale hold (its household no longer holds the key),
   * never two households holding one key.
   */
  async append(
    household: StreamAppend,
    claims: { claim: StreamAppend[]; release: StreamAppend[] },
  ): Promise<AppendResult> {
    const { stream, events, expectedRevision } = household;
    if (claims.claim.length + claims.release.length === 0)
      return this.store.append(stream, events, { expectedRevision });
    if (this.store.appendMany) {
      const results = await this.store.appendMany([...claims.claim, household, ...claims.release]);
      const result = results[claims.claim.length];
      if (!result) throw new Error(`appendMany returned no result for ${stream}`);
      return result;
    }
    for (const c of claims.claim) await this.store.append(c.stream, c.events, c);
    const result = await this.store.append(stream, events, { expectedRevision });
    for (const r of claims.release) {
      // A release that lost a race leaves a claim its household no longer backs: stale, so free.
      await this.store.append(r.stream, r.events, r).catch((error: unknown) => {
        if (!(error instanceof WrongExpectedVersion)) throw error;
      });
    }
    return result;
  }
}
