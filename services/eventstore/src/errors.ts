import type { ExpectedRevision } from './types.js';

export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream was not at the revision the caller expected; nothing was written. */
export class WrongExpectedVersion extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream "${stream}": expected revision ${String(expected)}, but the stream is at ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** The append was refused before anything was written; `field` names the offending input. */
export class InvalidAppend extends EventStoreError {
  readonly code = 'INVALID_APPEND';
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'InvalidAppend';
  }
}

/** Event ids already stored, but not as exactly this append: a retry cannot be recognised. */
export class EventIdConflict extends EventStoreError {
  readonly code = 'EVENT_ID_CONFLICT';
  constructor(
    readonly stream: string,
    readonly detail: string,
  ) {
    super(`stream "${stream}": ${detail}`);
    this.name = 'EventIdConflict';
  }
}

export class InvalidPosition extends EventStoreError {
  readonly code = 'INVALID_POSITION';
  constructor(readonly token: unknown) {
    super(`position ${JSON.stringify(token)} is not a position token of this store`);
    this.name = 'InvalidPosition';
  }
}

/**
 * The stream was deleted (tombstoned) in EventStoreDB. Registry streams are never deleted:
 * this is an operator's action against the store, and what the stream held is gone from reads.
 */
export class StreamDeleted extends EventStoreError {
  readonly code = 'STREAM_DELETED';
  constructor(readonly stream: string) {
    super(`stream "${stream}" was deleted in the event store; registry streams must never be deleted`);
    this.name = 'StreamDeleted';
  }
}
