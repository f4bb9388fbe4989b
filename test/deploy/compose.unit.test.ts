import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

type Service = {
  environment?: Record<string, string>;
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, unknown>;
};

/**
 * docker compose cannot run here (no Docker engine); what made the API fail to start under it
 * is checked as configuration: a secret it is given, and a data path its user can write.
 */
describe('docker-compose.yml and the Dockerfile', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
  const dockerfile = read('Dockerfile');

  it('give the API a signing secret from .env, refusing to start without one', () => {
    for (const name of ['api', 'api-cluster']) {
      expect(compose.services[name]?.environment?.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
    }
    // The example's placeholder is empty: copied as it is, compose refuses to start rather
    // than sign tokens with a secret everyone can read.
    expect(read('.env.example')).toMatch(/^JWT_SECRET=$/m);
    expect(read('.gitignore')).toMatch(/^\.env$/m);
  });

  it("give the API the log's signing key from .env: the image runs in production, which will not start without one", () => {
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    for (const name of ['api', 'api-cluster']) {
      expect(compose.services[name]?.environment?.LOG_SIGNING_KEY).toMatch(/^\$\{LOG_SIGNING_KEY:\?.+\}$/);
    }
    expect(read('.env.example')).toMatch(/^LOG_SIGNING_KEY=$/m);
  });

  it('keep the secret out of the image: .env is not sent to the build', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toContain('.env');
    expect(dockerfile).toMatch(/^COPY \. \.$/m);
  });

  it('give the API a data path that the user it runs as owns', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/chown node:node \/data/);
    expect(dockerfile).toMatch(/DATA_DIR=\/data/);
    for (const name of ['api', 'api-cluster']) {
      expect(compose.services[name]?.environment?.DATA_DIR).toBe('/data');
      expect(compose.services[name]?.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    }
  });

  it('have a three-node EventStoreDB cluster profile whose API knows every node', () => {
    const nodes = ['esdb-node1', 'esdb-node2', 'esdb-node3'];
    for (const node of nodes) {
      expect(compose.services[node]?.profiles).toEqual(['cluster']);
      expect(compose.services[node]?.environment?.EVENTSTORE_CLUSTER_SIZE).toBe('3');
    }
    const cluster = compose.services['api-cluster'];
    expect(cluster?.profiles).toEqual(['cluster']);
    for (const node of nodes) expect(cluster?.environment?.EVENTSTORE_CONNECTION_STRING).toContain(`${node}:2113`);
    expect(Object.keys(cluster?.depends_on ?? {})).toEqual(expect.arrayContaining(nodes));
  });

  it('run EventStoreDB’s standard system projections, which rebuilds list and count the households by', () => {
    for (const name of ['eventstore', 'esdb-node1', 'esdb-node2', 'esdb-node3']) {
      const environment = compose.services[name]?.environment ?? {};
      expect(['System', 'All'], name).toContain(environment.EVENTSTORE_RUN_PROJECTIONS);
      expect(environment.EVENTSTORE_START_STANDARD_PROJECTIONS, name).toBe('true');
    }
  });

  it('give EventStoreDB only IP addresses where it parses an IP address, host names where it takes one', () => {
    // EventStoreDB 24.10 parses NodeIp, ReplicationIp (and the deprecated ExtIp, IntIp) with
    // IPAddress.Parse (Configuration/TypeConverters.cs, IPAddressConverter): a name stops the node.
    const ipOptions = /^EVENTSTORE_(NODE|REPLICATION|EXT|INT)_IP$/;
    const names = ['EVENTSTORE_NODE_HOST_ADVERTISE_AS', 'EVENTSTORE_REPLICATION_HOST_ADVERTISE_AS'];
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (ipOptions.test(key)) expect(isIP(String(value)), `${name}: ${key}=${value}`).not.toBe(0);
        // Gossip seeds are host:port each (GossipEndPointConverter: a port is required).
        if (key === 'EVENTSTORE_GOSSIP_SEED') {
          for (const seed of String(value).split(',')) expect(seed, `${name}: ${key}`).toMatch(/^[\w.-]+:\d+$/);
        }
      }
      if (service.profiles?.includes('cluster') && name.startsWith('esdb-')) {
        for (const key of names) expect(service.environment?.[key], `${name}: ${key}`).toBe(name);
      }
    }
  });

  it('run the cluster as processes by role: an api process and two workers, on one database and one log key', () => {
    const api = compose.services['api-cluster']?.environment ?? {};
    const worker = compose.services['worker-cluster'] as Service & { deploy?: { replicas?: number } };
    expect(api.ROLE).toBe('api');
    expect(worker.environment?.ROLE).toBe('worker');
    expect(worker.deploy?.replicas, 'a second worker stands by').toBeGreaterThanOrEqual(2);
    expect(worker.profiles).toEqual(['cluster']);
    // What config.ts requires of a role: a shared database, the same log key and event store.
    for (const key of ['DATABASE_URL', 'LOG_SIGNING_KEY', 'EVENTSTORE_CONNECTION_STRING', 'JWT_SECRET'])
      expect(worker.environment?.[key], key).toBe(api[key]);
  });
});
