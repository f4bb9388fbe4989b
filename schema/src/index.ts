export { Actor, EventMetadata, Role } from './metadata.js';
export { IsoDate, Uuid } from './values.js';
