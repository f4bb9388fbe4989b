export * from './area.js';
export { renderCatalogue } from './catalogue.js';
export * from './commands.js';
export * from './enums.js';
export * from './events.js';
export * from './household.js';
export { Actor, EventMetadata, Role } from './metadata.js';
export * from './policy.js';
export * from './values.js';
