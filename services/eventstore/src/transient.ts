/** PostgreSQL SQLSTATEs and Node socket codes of a connection that went away, or of a conflict worth retrying. */
const POSTGRES_CODES = new Set([
  '57P01', // admin_shutdown: the server is restarting or the connection was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * EventStoreDB client errors (db-client 6.2.1, utils/CommandError.js `ErrorType`) of a server
 * or a connection that went away: unavailable (gRPC 14, e.g. a restarting node or a dropped
 * network), cancelled (gRPC 1, e.g. a subscription the server dropped on shutdown), deadline
 * exceeded (gRPC 4), timeout, and not-leader (the cluster elected another leader). With a
 * cluster connection string the client finds a node by gossip first, and when no node answers
 * (the whole cluster restarting) throws a plain `Error("Failed to discover after N attempts.")`
 * (Client/discovery.js, `discoverEndpoint`): the cluster is away, not the request wrong.
 */
const EVENTSTOREDB_TYPES = new Set(['unavailable', 'cancelled', 'deadline-exceeded', 'timeout', 'not-leader']);
const GRPC_CODES = new Set([1, 4, 14]);

/**
 * Whether an error is the connection's, not the request's: the database or event store
 * restarted, failed over, or the network dropped; or a deadlock. Retrying can succeed.
 */
export function isTransientStoreError(error: unknown): boolean {
  const e = error as { code?: unknown; type?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && (e.code.startsWith('08') || POSTGRES_CODES.has(e.code))) return true;
  if (typeof e?.code === 'number' && GRPC_CODES.has(e.code)) return true;
  if (typeof e?.type === 'string' && EVENTSTOREDB_TYPES.has(e.type)) return true;
  return (
    typeof e?.message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|Failed to discover after \d+ attempts/i.test(
      e.message,
    )
  );
}
