import path from 'node:path';
import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65535);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** Everything the service reads from its environment. Nothing else configures it. */
export const ConfigSchema = z.object({
  /**
   * What this process does: `all` (HTTP and every background job: the default), `api` (HTTP
   * only, following the projections that workers run), `worker` (projections and the log's
   * sealing, under leases; /healthz and /readyz only). api and worker need DATABASE_URL.
   */
  ROLE: z.enum(['all', 'api', 'worker'], "must be 'all', 'api' or 'worker'").default('all'),
  PORT: Port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where the embedded PostgreSQL keeps its cluster (ignored with DATABASE_URL). */
  DATA_DIR: z.string().min(1).default('./.data'),
  EMBEDDED_PG_PORT: Port.default(54329),
  /** External PostgreSQL for read models, and for the event store unless EventStoreDB is configured. */
  DATABASE_URL: optionalString.pipe(z.url('must be a postgres:// URL').optional()),
  /**
   * A streaming replica of DATABASE_URL that queries read from (read-your-writes through its
   * replicated checkpoints); writes, the log and the record of reads stay on the primary.
   */
  DATABASE_REPLICA_URL: optionalString.pipe(z.url('must be a postgres:// URL').optional()),
  /** How long a query's `waitFor` waits for the read models before answering READ_MODEL_BEHIND, in ms. */
  WAIT_FOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** EventStoreDB as the event store, e.g. esdb://localhost:2113?tls=false */
  EVENTSTORE_CONNECTION_STRING: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** HS256 secret for bearer tokens. Neither this nor JWT_PUBLIC_KEY: a dev secret under DATA_DIR. */
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** SPKI PEM public key (\n may be escaped) for tokens issued by another service. */
  JWT_PUBLIC_KEY: optionalString,
  JWT_ALGORITHM: z.enum(['RS256', 'ES256']).default('RS256'),
  /** Whether the GraphQL schema may be introspected (GraphiQL needs it). */
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).default('true'),
  /** Readiness: how many events the read models may be behind the log while ready. */
  READY_MAX_LAG_EVENTS: z.coerce.number().int().min(0).default(100),
  /** Readiness: how old, in seconds, the oldest event not yet in the read models may be. */
  READY_MAX_LAG_SECONDS: z.coerce.number().int().min(0).default(5),
  /**
   * Ed25519 private key (PKCS#8 PEM, or its DER in base64) that signs the log's tree heads.
   * Unset: a development key under DATA_DIR (dev-log-key.pem), made once.
   */
  LOG_SIGNING_KEY: optionalString,
  /** `production` requires LOG_SIGNING_KEY: a development key would sign a real log with a key nobody holds apart. */
  NODE_ENV: optionalString,
  /** How often the service seals what was appended to the log, in ms. */
  LOG_SEAL_INTERVAL_MS: z.coerce.number().int().min(100).default(2_000),
  /** How often it signs the log's head when the log has grown, in ms. */
  LOG_SIGN_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Ed25519 public key (SPKI PEM) to check heads with, for a verifier that does not hold the signing key. */
  LOG_PUBLIC_KEY: optionalString,
  /** Browser origins allowed to call the API from their pages (CORS), comma-separated; none by default. */
  CORS_ORIGINS: optionalString.pipe(
    z
      .string()
      .transform((v) => v.split(',').map((o) => o.trim()))
      .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must list origins such as https://fupin.example.gov.cn')))
      .optional(),
  ),
});

export interface Config {
  role: 'all' | 'api' | 'worker';
  port: number;
  host: string;
  dataDir: string;
  embeddedPgPort: number;
  databaseUrl: string | undefined;
  replicaUrl: string | undefined;
  waitForTimeoutMs: number;
  eventStoreConnectionString: string | undefined;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  jwtSecret: string | undefined;
  jwtPublicKey: string | undefined;
  jwtAlgorithm: 'RS256' | 'ES256';
  introspection: boolean;
  corsOrigins: string[];
  readiness: { maxLagEvents: number; maxLagSeconds: number };
  logSigningKey: string | undefined;
  logPublicKey: string | undefined;
  log: { sealEveryMs: number; signEveryMs: number };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.LOG_SIGNING_KEY) {
    throw new ConfigError(
      'invalid configuration: LOG_SIGNING_KEY: required when NODE_ENV=production (the Ed25519 key that signs the log; see .env.example)',
    );
  }
  if (c.DATABASE_REPLICA_URL && !c.DATABASE_URL) {
    throw new ConfigError(
      'invalid configuration: DATABASE_REPLICA_URL: requires DATABASE_URL (the primary it replicates; the embedded database has no replica)',
    );
  }
  if (c.ROLE !== 'all') {
    // Processes by role share one database; the embedded one belongs to a single process.
    const missing = [
      !c.DATABASE_URL && 'DATABASE_URL (the PostgreSQL every process shares; the embedded one serves ROLE=all alone)',
      !c.LOG_SIGNING_KEY && 'LOG_SIGNING_KEY (every process must sign and check the log with one key)',
      c.ROLE === 'api' &&
        !c.JWT_SECRET &&
        !c.JWT_PUBLIC_KEY &&
        'JWT_SECRET or JWT_PUBLIC_KEY (every API process must accept the same tokens)',
    ].filter((m): m is string => typeof m === 'string');
    if (missing.length > 0) {
      throw new ConfigError(`invalid configuration: ROLE=${c.ROLE} requires ${missing.map((m) => m).join('; and ')}`);
    }
  }
  return {
    role: c.ROLE,
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(c.DATA_DIR),
    embeddedPgPort: c.EMBEDDED_PG_PORT,
    databaseUrl: c.DATABASE_URL,
    replicaUrl: c.DATABASE_REPLICA_URL,
    waitForTimeoutMs: c.WAIT_FOR_TIMEOUT_MS,
    eventStoreConnectionString: c.EVENTSTORE_CONNECTION_STRING,
    logLevel: c.LOG_LEVEL,
    jwtSecret: c.JWT_SECRET,
    jwtPublicKey: c.JWT_PUBLIC_KEY,
    jwtAlgorithm: c.JWT_ALGORITHM,
    introspection: c.GRAPHQL_INTROSPECTION === 'true',
    corsOrigins: c.CORS_ORIGINS ?? [],
    readiness: { maxLagEvents: c.READY_MAX_LAG_EVENTS, maxLagSeconds: c.READY_MAX_LAG_SECONDS },
    logSigningKey: c.LOG_SIGNING_KEY?.replaceAll('\\n', '\n'),
    logPublicKey: c.LOG_PUBLIC_KEY?.replaceAll('\\n', '\n'),
    log: { sealEveryMs: c.LOG_SEAL_INTERVAL_MS, signEveryMs: c.LOG_SIGN_INTERVAL_MS },
  };
}
