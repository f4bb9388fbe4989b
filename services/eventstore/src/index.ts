export {
  EventIdConflict,
  EventStoreError,
  InvalidAppend,
  InvalidPosition,
  StreamDeleted,
  WrongExpectedVersion,
} from './errors.js';
export { matchesFilter } from './filter.js';
export { decodePosition, encodePosition } from './position.js';
export { isTransientStoreError } from './transient.js';
export type {
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  ListStreamsOptions,
  Position,
  ReadAllOptions,
  ReadBlockage,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionMessage,
} from './types.js';
export type { AppendLimits } from './validate.js';
export { DEFAULT_LIMITS, prepareAppend, validateStreamName } from './validate.js';
