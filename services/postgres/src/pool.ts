import pg from 'pg';

/**
 * A connection pool that no connection failure can take the process down with. pg-pool
 * listens for errors only on idle connections; a connection that fails while checked out
 * (between the statements of a transaction, or while a stream is paused) emits 'error' with
 * no one listening, which Node turns into an uncaught exception. Every connection here gets a
 * listener for its whole life; the query that was running fails as usual.
 */
export function createPool(
  config: pg.PoolConfig,
  onError: (error: Error, where: 'idle connection' | 'connection in use') => void,
): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', (error) => onError(error, 'idle connection'));
  pool.on('connect', (client) => {
    client.on('error', (error) => onError(error, 'connection in use'));
  });
  return pool;
}
