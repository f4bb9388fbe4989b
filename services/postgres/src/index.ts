export type { EmbeddedPostgresOptions, RunningPostgres } from './embedded.js';
export { embeddedUrl, ensureDatabase, freePort, startEmbeddedPostgres } from './embedded.js';
export type { LeaseOptions } from './lease.js';
export { Lease } from './lease.js';
export type { Migration } from './migrate.js';
export { migrate } from './migrate.js';
export { createPool } from './pool.js';
export { claimDirectory, isAlive } from './process.js';
