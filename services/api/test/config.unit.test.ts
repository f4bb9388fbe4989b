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

  it('starts as the whole service by default; api and worker processes refuse to start without what they share, naming it', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(() => loadConfig({ ROLE: 'proxy' })).toThrow(/ROLE: must be 'all', 'api' or 'worker'/);
    expect(() => loadConfig({ ROLE: 'worker' })).toThrow(/ROLE=worker requires DATABASE_URL .*; and LOG_SIGNING_KEY/);
    const shared = { DATABASE_URL: 'postgres://db.example/registry', LOG_SIGNING_KEY: 'a key' };
    expect(loadConfig({ ...shared, ROLE: 'worker' }).role).toBe('worker');
    expect(() => loadConfig({ ...shared, ROLE: 'api' })).toThrow(/ROLE=api requires JWT_SECRET or JWT_PUBLIC_KEY/);
    expect(loadConfig({ ...shared, ROLE: 'api', JWT_SECRET: 'x'.repeat(32) }).role).toBe('api');
  });

  it('reads from a replica only beside a primary it replicates, and waits for read-your-writes as long as told', () => {
    expect(() => loadConfig({ DATABASE_REPLICA_URL: 'postgres://replica.example/registry' })).toThrow(
      /DATABASE_REPLICA_URL: requires DATABASE_URL/,
    );
    const config = loadConfig({
      DATABASE_URL: 'postgres://primary.example/registry',
      DATABASE_REPLICA_URL: 'postgres://replica.example/registry',
    });
    expect(config.replicaUrl).toBe('postgres://replica.example/registry');
    expect(config.waitForTimeoutMs).toBe(10_000);
    expect(() => loadConfig({ WAIT_FOR_TIMEOUT_MS: '5' })).toThrow(/WAIT_FOR_TIMEOUT_MS/);
  });
});
