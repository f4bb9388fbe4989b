import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

/** The start refuses what it cannot run with, naming the variable (main.e2e shows it exits 1 on a ConfigError). */
describe('configuration', () => {
  it("will not start in production without the log's signing key, naming the variable", () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/LOG_SIGNING_KEY: required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', LOG_SIGNING_KEY: 'a key' }).logSigningKey).toBe('a key');
    expect(loadConfig({}).logSigningKey).toBeUndefined();
  });
});
