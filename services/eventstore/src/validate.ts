import { EventMetadata } from '@registry/schema';
import { InvalidAppend } from './errors.js';
import { decodePosition } from './position.js';
import type { EventToAppend, ExpectedRevision, ReadAllOptions, ReadStreamOptions } from './types.js';

export interface AppendLimits {
  /** Bytes of one event's data and metadata as JSON. EventStoreDB's default append cap is 1 MiB. */
  maxEventBytes: number;
  maxEventsPerAppend: number;
}

export const DEFAULT_LIMITS: AppendLimits = { maxEventBytes: 1024 * 1024, maxEventsPerAppend: 10_000 };

export interface PreparedEvent {
  id: string;
  type: string;
  dataJson: string;
  metadataJson: string;
}

const STREAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@+=-]*$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_NAME = 200;

export function validateStreamName(stream: unknown, field = 'stream'): asserts stream is string {
  if (typeof stream !== 'string') throw new InvalidAppend(field, 'must be a string');
  if (stream.length === 0) throw new InvalidAppend(field, 'must not be empty');
  if (stream.length > MAX_NAME) throw new InvalidAppend(field, `must be at most ${MAX_NAME} characters`);
  if (!STREAM_NAME.test(stream)) {
    throw new InvalidAppend(
      field,
      'must start with a letter or digit and contain only letters, digits and _ . : @ + = - (names starting with $ are reserved)',
    );
  }
}

export function validateExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidAppend(
    'expectedRevision',
    `must be "any", "no_stream", "stream_exists" or a non-negative safe integer, got ${describe(expected)}`,
  );
}

function validateRevision(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidAppend(field, `must be a non-negative safe integer, got ${describe(value)}`);
  }
}

function validateCount(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidAppend(field, `must be a positive integer, got ${describe(value)}`);
  }
}

export function validateReadStream(stream: unknown, options: ReadStreamOptions): void {
  validateStreamName(stream);
  if (options.direction !== undefined && options.direction !== 'forwards' && options.direction !== 'backwards') {
    throw new InvalidAppend('direction', 'must be "forwards" or "backwards"');
  }
  validateRevision(options.fromRevision, 'fromRevision');
  validateCount(options.maxCount, 'maxCount');
}

export function validateReadAll(options: ReadAllOptions): void {
  if (options.after !== undefined) decodePosition(options.after);
  validateCount(options.maxCount, 'maxCount');
}

/**
 * Checks an append completely before anything is sent to the store, and serialises each
 * event once. Data must be plain JSON that survives a round trip unchanged: no undefined,
 * functions, bigint, NaN/Infinity, Dates or class instances, no cycles, no NUL characters
 * or lone surrogates (PostgreSQL's jsonb cannot store them).
 */
export function prepareAppend(
  stream: unknown,
  events: unknown,
  expected: unknown,
  limits: AppendLimits = DEFAULT_LIMITS,
): PreparedEvent[] {
  validateStreamName(stream);
  validateExpectedRevision(expected);
  if (!Array.isArray(events)) throw new InvalidAppend('events', 'must be an array');
  if (events.length === 0) throw new InvalidAppend('events', 'must contain at least one event');
  if (events.length > limits.maxEventsPerAppend) {
    throw new InvalidAppend('events', `must contain at most ${limits.maxEventsPerAppend} events`);
  }
  const seen = new Set<string>();
  return events.map((raw: unknown, index) => {
    const field = `events[${index}]`;
    if (raw === null || typeof raw !== 'object') throw new InvalidAppend(field, 'must be an object');
    const event = raw as Partial<EventToAppend>;
    if (typeof event.id !== 'string' || !UUID.test(event.id)) throw new InvalidAppend(`${field}.id`, 'must be a UUID');
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new InvalidAppend(`${field}.id`, 'must be unique within the append');
    seen.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > MAX_NAME) {
      throw new InvalidAppend(`${field}.type`, `must be a non-empty string of at most ${MAX_NAME} characters`);
    }
    if (!EVENT_TYPE.test(event.type)) {
      throw new InvalidAppend(`${field}.type`, 'must start with a letter and contain only letters, digits and _ . : -');
    }
    assertJson(event.data, `${field}.data`, new Set());
    const metadata = EventMetadata.safeParse(event.metadata);
    if (!metadata.success) {
      const issue = metadata.error.issues[0];
      const path = issue?.path.length ? `.${issue.path.join('.')}` : '';
      throw new InvalidAppend(`${field}.metadata${path}`, issue?.message ?? 'is invalid');
    }
    assertJson(metadata.data, `${field}.metadata`, new Set());
    const dataJson = JSON.stringify(event.data);
    const metadataJson = JSON.stringify(metadata.data);
    const bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
    if (bytes > limits.maxEventBytes) {
      throw new InvalidAppend(field, `is ${bytes} bytes as JSON, more than the limit of ${limits.maxEventBytes}`);
    }
    return { id, type: event.type, dataJson, metadataJson };
  });
}

function assertJson(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      checkString(value, path);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidAppend(path, `is ${value}, which JSON cannot represent`);
      return;
    case 'object': {
      if (value === null) return;
      if (ancestors.has(value))
        throw new InvalidAppend(path, 'refers back to itself (a cycle), which JSON cannot represent');
      ancestors.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value))
            throw new InvalidAppend(`${path}[${i}]`, 'is a hole in the array, which JSON cannot represent');
          assertJson(value[i], `${path}[${i}]`, ancestors);
        }
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const name = (value as object).constructor?.name ?? 'an object with a prototype';
          throw new InvalidAppend(path, `is a ${name}, not plain JSON data (use strings for dates)`);
        }
        for (const [key, child] of Object.entries(value)) {
          checkString(key, `${path} key "${key}"`);
          assertJson(child, `${path}.${key}`, ancestors);
        }
      }
      ancestors.delete(value);
      return;
    }
    default:
      throw new InvalidAppend(path, `is ${describe(value)}, which is not JSON data`);
  }
}

function checkString(value: string, path: string): void {
  if (value.includes('\u0000'))
    throw new InvalidAppend(path, 'contains a NUL character (\\u0000), which cannot be stored');
  if (!value.isWellFormed())
    throw new InvalidAppend(path, 'contains a lone UTF-16 surrogate, which is not valid Unicode');
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return String(value);
}
