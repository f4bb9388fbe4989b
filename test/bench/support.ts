import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDatabase, type RunningPostgres, startEmbeddedPostgres } from '@registry/postgres';
import { pino } from 'pino';
import { buildApp } from '../../services/api/src/app.js';
import { issueToken, type TokenClaims, TokenVerifier } from '../../services/api/src/auth.js';
import { loadConfig } from '../../services/api/src/config.js';
import { type Infrastructure, startInfrastructure } from '../../services/api/src/infrastructure.js';

export const SECRET = 'benchmark-secret-that-is-long-enough-for-hs256';

export interface BenchService {
  url: string;
  databaseUrl: string;
  infrastructure: Infrastructure;
  token(claims: TokenClaims): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole service (stores, projections, GraphQL over HTTP) on its own embedded PostgreSQL
 * in a temporary directory, durable settings as in production.
 */
export async function startBenchService(
  name: string,
  options: {
    settings?: Record<string, string>;
    /** Runs on the empty database before the service starts, e.g. to load a log and build read models. */
    prepare?: (databaseUrl: string) => Promise<void>;
  } = {},
): Promise<BenchService> {
  const dir = await mkdtemp(path.join(tmpdir(), `registry-bench-${name}-`));
  await chmod(dir, 0o755);
  const server: RunningPostgres = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: 0,
    persistent: false,
    settings: { shared_buffers: '512MB', ...options.settings },
  });
  await ensureDatabase(server.url(), 'bench');
  const databaseUrl = server.url('bench');
  await options.prepare?.(databaseUrl);
  const config = loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const infrastructure = await startInfrastructure(config, logger);
  const verifier = await TokenVerifier.create({ secret: SECRET });
  const app = buildApp({
    ...infrastructure,
    api: { deps: infrastructure, verifier, options: { introspection: true, logger } },
  });
  const http = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    infrastructure,
    token: (claims) => issueToken(SECRET, claims),
    stop: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await infrastructure.stop();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Latency percentiles in milliseconds. */
export function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

/** Where results go: bench-results/, or BENCH_RESULTS_DIR (the suite's smoke runs write to a temporary one). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? 'bench-results';

export async function writeResult(name: string, result: unknown): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written: ${path.join(RESULTS_DIR, `${name}.json`)}\n`);
}

/** Peak resident memory of this process while `work` runs, in MB. */
export async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const result = await work();
    return { result, peakRssMb: Math.max(peak, process.memoryUsage().rss) / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}
