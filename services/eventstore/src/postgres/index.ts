export { EVENT_STORE_MIGRATIONS } from './migrations.js';
export type { PostgresEventStoreOptions } from './store.js';
export { PostgresEventStore } from './store.js';
