import type { EventStore } from '@registry/eventstore';
import type { ReadDraft } from '@registry/eventstore/log';
import type { AreaDirectory, ReferenceProjection, RegistryProjection } from '@registry/projections';
import type {
  AreaRecordHandler,
  AreaReferenceHandler,
  AssessmentHandler,
  HistoryEvent,
  HouseholdCommandHandler,
  PolicyBook,
} from '@registry/registry';
import type { Language } from '@registry/schema/messages';
import type pg from 'pg';
import type { Viewer } from '../auth.js';
import type { ReadLedger } from '../read-ledger.js';

/** What the GraphQL layer reads and writes through. */
export interface ApiDeps {
  pool: pg.Pool;
  eventStore: EventStore;
  handler: HouseholdCommandHandler;
  reference: AreaReferenceHandler;
  /** Area names as of a date: the national register and the changes recorded since. */
  names: AreaDirectory;
  assessments: AssessmentHandler;
  areas: AreaRecordHandler;
  /** `registry` is whichever version currently serves. */
  projections: { readonly registry: RegistryProjection; reference: ReferenceProjection };
  /** Read-your-writes: resolves once the serving registry read models have processed `position`. */
  waitForRegistry(position: string, timeoutMs?: number): Promise<void>;
  policies: PolicyBook;
  /** The tamper-evident log: heads, leaves, proofs (LogKeeper). */
  log: LogAccess;
  /** The record of reads of personal data: stores a read before it is served, or rejects. */
  reads: { record(draft: ReadDraft): Promise<void> };
}

export interface SignedHeadView {
  treeSize: number;
  rootHash: Buffer;
  signedAt: string;
  keyId: string;
  signature: Buffer;
}

/** What the API reads of the sealed log, and signing on demand. */
export interface LogAccess {
  /** The head signed for `treeSize` events, or the latest. */
  head(treeSize?: number): Promise<SignedHeadView | undefined>;
  /** The first head signed at or after `at` (an ISO instant). */
  headSignedSince(at: string): Promise<SignedHeadView | undefined>;
  /** Heads newest first, of fewer events than `before`. */
  heads(first: number, before?: number): Promise<SignedHeadView[]>;
  publicKeyPem(): string;
  /** Where an event was sealed: its leaf, stream, revision and its stream's previous hash. */
  leaf(
    eventId: string,
  ): Promise<
    { index: number; position: string; stream: string; revision: number; prev: Buffer | null; hash: Buffer } | undefined
  >;
  inclusionProof(index: number, treeSize: number): Promise<Buffer[]>;
  consistencyProof(first: number, second: number): Promise<Buffer[]>;
  signNow(): Promise<SignedHeadView>;
}

export interface Context {
  viewer: Viewer;
  deps: ApiDeps;
  /** The caller's language (Accept-Language; Chinese unless English is preferred), for texts people read. */
  language: Language;
  /** The request's time: the default "known at" of as-of queries, echoed back so answers repeat. */
  now: string;
  /** The personal data this answer carries unmasked, recorded before it leaves. */
  reads: ReadLedger;
  /** A household's events from its stream, read once per request. */
  history(householdId: string): Promise<HistoryEvent[]>;
}
