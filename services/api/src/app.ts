import { isTransient } from '@registry/projections';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { alertBatchHttp } from './alert-batch.js';
import { exportAssessment } from './assessment-report/http.js';
import { type TokenVerifier, Unauthenticated, type Viewer } from './auth.js';
import { comparisonHttp } from './comparison.js';
import { type ConsoleOptions, mountConsole } from './console.js';
import { exportSnapshot } from './export.js';
import type { ApiDeps } from './graphql/context.js';
import { createGraphql, type GraphqlOptions, RETRY_AFTER_SECONDS } from './graphql/server.js';
import { importHttp, MAX_IMPORT_BYTES } from './import/http.js';
import { printHouseholdCard, printNotice } from './print.js';
import { exportReads } from './read-access-http.js';
import { DEFAULT_READINESS, type ReadinessDeps, type ReadinessLimits, readiness } from './readiness.js';

export interface AppDeps extends ReadinessDeps {
  /** How far behind the read models may be while ready (default 100 events, 5 s). */
  readiness?: ReadinessLimits;
  /** The GraphQL API and export; without it only health and readiness are served. */
  api?: { deps: ApiDeps; verifier: TokenVerifier; options: GraphqlOptions };
  /** The console at `/` (its built files) and, with `--demo`, its demo sign-in. */
  console?: ConsoleOptions;
  /** Where a request that failed unexpectedly (a bug) is reported. */
  logger?: { error(obj: object, msg: string): void };
}

/** Largest request body accepted, in bytes: commands are small; a 30-member household is ~15 kB. */
export const MAX_BODY = '256kb';

/** The HTTP application, not listening: tests run it in-process; only `main` listens. */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const result = await readiness(deps, deps.readiness ?? DEFAULT_READINESS);
    res.status(result.ready ? 200 : 503).json({
      status: result.ready ? 'ready' : 'not ready',
      checks: result.checks,
      projections: result.projections,
    });
  });

  if (deps.api) mountApi(app, deps.api);
  if (deps.console) mountConsole(app, deps.console);
  app.use((error: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const transient = isTransient(error);
    // Anything but the client's own mistakes and the database being away is a bug: logged
    // loudly, answered 500, and the process goes on serving.
    const bug = !transient && !(error.status !== undefined && error.status >= 400 && error.status < 500);
    if (bug)
      deps.logger?.error({ err: error, method: req.method, url: req.originalUrl }, 'request failed unexpectedly');
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    if (error.type === 'entity.too.large') {
      res.status(413).json({ error: `request body larger than ${MAX_BODY}` });
    } else if (!bug && !transient) {
      // body-parser's own refusals (malformed JSON, an unsupported charset or encoding) carry their status.
      res.status(error.status as number).json({ error: `request body refused: ${error.message}` });
    } else if (transient) {
      res
        .status(503)
        .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
        .json({ error: `the database is unavailable: retry in ${RETRY_AFTER_SECONDS} s` });
    } else {
      res.status(500).json({ error: 'internal error' });
    }
  });
  return app;
}

/** Content types a GraphQL request body may have; yoga would also read forms and multipart, unlimited. */
const GRAPHQL_BODY_TYPES = ['application/json', 'application/graphql+json'];

/**
 * A POST body must be one GraphQL request: a JSON object with its fields. Yoga would wait
 * forever for an empty object or array (it then reads the already consumed stream again), and
 * batches are not served.
 */
function graphqlBody(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST') {
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length === 0) {
      res.status(400).json({ error: 'request body must be a JSON object with a query (batches are not served)' });
      return;
    }
  }
  next();
}

/** Whether a request is for the GraphiQL page itself, exactly as yoga decides to render it instead of executing. */
function isGraphiqlPage(req: Request): boolean {
  return req.method === 'GET' && req.path === '/' && (req.headers.accept ?? '').includes('text/html');
}

type Authenticated = Request & { viewer?: Viewer };

function mountApi(app: Express, api: NonNullable<AppDeps['api']>): void {
  const yoga = createGraphql(api.deps, api.options);
  const authenticate =
    (options: { graphiqlPage: boolean }) => async (req: Authenticated, res: Response, next: NextFunction) => {
      // The GraphiQL page itself is static and holds no data; its requests carry the token. A
      // CORS preflight carries no token by design and executes nothing: yoga answers it.
      if (options.graphiqlPage && (isGraphiqlPage(req) || req.method === 'OPTIONS')) {
        next();
        return;
      }
      try {
        req.viewer = await api.verifier.verify(req.headers.authorization);
      } catch (error) {
        if (!(error instanceof Unauthenticated)) throw error;
        res.status(401).setHeader('WWW-Authenticate', 'Bearer').json({ error: error.message });
        return;
      }
      next();
    };
  const jsonBodiesOnly = (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'POST') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!GRAPHQL_BODY_TYPES.includes(type)) {
        res
          .status(415)
          .json({ error: `content-type must be ${GRAPHQL_BODY_TYPES.join(' or ')}, not ${type || 'none'}` });
        return;
      }
    }
    next();
  };

  app.use(
    '/graphql',
    authenticate({ graphiqlPage: true }),
    jsonBodiesOnly,
    express.json({ limit: MAX_BODY, type: GRAPHQL_BODY_TYPES }),
    graphqlBody,
    // Returned, not voided: express 5 passes a rejection to the error handler instead of the
    // process's unhandled-rejection hook.
    (req: Authenticated, res) => yoga.handle(req, res, { viewer: req.viewer }),
  );
  app.get('/export/snapshot', authenticate({ graphiqlPage: false }), (req: Authenticated, res) =>
    exportSnapshot(api.deps, req.viewer as Viewer, req, res),
  );
  app.get('/export/assessment/:id', authenticate({ graphiqlPage: false }), (req: Authenticated, res) =>
    exportAssessment(api.deps, req.viewer as Viewer, req, res),
  );
  app.get('/export/reads', authenticate({ graphiqlPage: false }), (req: Authenticated, res) =>
    exportReads(api.deps, req.viewer as Viewer, req, res),
  );
  app.get('/print/notice', authenticate({ graphiqlPage: false }), (req: Authenticated, res) =>
    printNotice(api.deps, req.viewer as Viewer, req, res),
  );
  app.get('/print/household/:id', authenticate({ graphiqlPage: false }), (req: Authenticated, res) =>
    printHouseholdCard(api.deps, req.viewer as Viewer, req, res),
  );
  app.post(
    '/comparison',
    authenticate({ graphiqlPage: false }),
    express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }),
    (req: Authenticated, res) => comparisonHttp(api.deps, req.viewer as Viewer, req, res),
  );
  app.post(
    '/alert-batch',
    authenticate({ graphiqlPage: false }),
    express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }),
    (req: Authenticated, res) => alertBatchHttp(api.deps, req.viewer as Viewer, req, res),
  );
  app.post(
    '/import',
    authenticate({ graphiqlPage: false }),
    express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }),
    (req: Authenticated, res) => importHttp(api.deps, req.viewer as Viewer, req, res),
  );
}
