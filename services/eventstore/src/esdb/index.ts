export type { EventStoreDbOptions } from './store.js';
export { EventStoreDbEventStore } from './store.js';
