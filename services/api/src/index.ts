export type { AppDeps } from './app.js';
export { buildApp } from './app.js';
export type { Config } from './config.js';
export { ConfigError, loadConfig } from './config.js';
export type { Infrastructure } from './infrastructure.js';
export { startInfrastructure } from './infrastructure.js';
