export type { TestDatabase } from './database.js';
export { createTestDatabase } from './database.js';
