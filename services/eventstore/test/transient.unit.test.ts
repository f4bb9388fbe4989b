import {
  CancelledError,
  DeadlineExceededError,
  EventStoreDBClient,
  NotLeaderError,
  START,
  UnavailableError,
} from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { isTransientStoreError } from '../src/index.js';

describe('transient store errors', () => {
  it('are PostgreSQL connections that went away, and EventStoreDB servers that did', () => {
    expect(isTransientStoreError(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isTransientStoreError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    // The client's own error classes, as it converts gRPC statuses (14, 1, 4) and a lost leader.
    const grpc = (code: number) => Object.assign(new Error('grpc'), { code, details: 'x', metadata: undefined });
    expect(isTransientStoreError(new UnavailableError(grpc(14) as never))).toBe(true);
    expect(isTransientStoreError(new CancelledError(grpc(1) as never))).toBe(true);
    expect(isTransientStoreError(new DeadlineExceededError(grpc(4) as never))).toBe(true);
    expect(isTransientStoreError(grpc(14))).toBe(true);
    expect(isTransientStoreError(Object.create(NotLeaderError.prototype, { type: { value: 'not-leader' } }))).toBe(
      true,
    );
  });

  it('include a cluster the client cannot discover (every node restarting), as the client itself reports it', async () => {
    // A cluster connection string: the client asks a node's gossip for the leader first; none answers here.
    const client = EventStoreDBClient.connectionString(
      'esdb+discover://127.0.0.1:1?tls=false&maxDiscoverAttempts=2&discoveryInterval=10&gossipTimeout=1',
    );
    try {
      const error = await (async () => {
        for await (const _ of client.readAll({ fromPosition: START, maxCount: 1 })) break;
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(error)).toMatch(/Failed to discover after 2 attempts/);
      expect(isTransientStoreError(error)).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('are not the event’s own faults', () => {
    expect(isTransientStoreError(new Error('event 1 cannot be projected'))).toBe(false);
    expect(isTransientStoreError(Object.assign(new Error('invalid input'), { code: '22P02' }))).toBe(false);
    expect(isTransientStoreError(Object.assign(new Error('wrong version'), { type: 'wrong-expected-version' }))).toBe(
      false,
    );
  });
});
