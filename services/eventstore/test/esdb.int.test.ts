import { describe, it } from 'vitest';
import { EventStoreDbEventStore } from '../src/esdb/index.js';
import { eventStoreContract } from './contract.js';

/**
 * The contract suite against a real EventStoreDB: the one at EVENTSTORE_CONNECTION_STRING,
 * or one testcontainers starts when it finds a Docker engine. Without either the suite is
 * reported as skipped with the reason; it never passes without a server.
 */
const IMAGE = 'eventstore/eventstore:24.10';

type Server =
  | { connectionString: string; stop: () => Promise<void>; restart?: () => Promise<void> }
  | { skipped: string };

async function findServer(): Promise<Server> {
  const configured = process.env.EVENTSTORE_CONNECTION_STRING;
  if (configured) return { connectionString: configured, stop: async () => {} };
  try {
    const { GenericContainer, Wait } = await import('testcontainers');
    const { freePort } = await import('@registry/postgres');
    // A fixed host port and data on disk (not in memory): a restart keeps both.
    const port = await freePort();
    const container = await new GenericContainer(IMAGE)
      // The system projections run, as in docker-compose.yml: listStreams and countEvents read them.
      .withEnvironment({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_RUN_PROJECTIONS: 'System',
        EVENTSTORE_START_STANDARD_PROJECTIONS: 'true',
      })
      .withExposedPorts({ container: 2113, host: port })
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .withStartupTimeout(120_000)
      .start();
    return {
      connectionString: `esdb://${container.getHost()}:${port}?tls=false`,
      stop: async () => {
        await container.stop();
      },
      restart: async () => {
        await container.restart();
      },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { skipped: `no EVENTSTORE_CONNECTION_STRING and testcontainers could not start ${IMAGE}: ${message}` };
  }
}

const server = await findServer();

if ('skipped' in server) {
  console.warn(`EventStoreDB contract suite skipped: ${server.skipped}`);
  describe.skip(`event store contract: EventStoreDB — SKIPPED: ${server.skipped}`, () => {
    it('runs the event store contract against a real EventStoreDB', () => {});
  });
} else {
  eventStoreContract('EventStoreDB', async () => {
    const open = () => new EventStoreDbEventStore({ connectionString: server.connectionString });
    const store = open();
    const others: EventStoreDbEventStore[] = [];
    return {
      store,
      // EventStoreDB refuses appends above its max append size (1 MiB by default).
      oversizeBytes: 1024 * 1024,
      secondStore: async () => {
        const other = open();
        others.push(other);
        return other;
      },
      ...(server.restart ? { restartServer: server.restart } : {}),
      dispose: async () => {
        await Promise.all([store, ...others].map((s) => s.close()));
        await server.stop();
      },
    };
  });
}
