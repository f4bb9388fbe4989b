import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { isTransient, ProjectionBehind, ProjectionFailed } from '@registry/projections';
import type { HistoryEvent } from '@registry/registry';
import { type Language, languageOf, refusalText } from '@registry/schema/messages';
import { type ExecutionArgs, execute, GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, maskError, type Plugin } from 'graphql-yoga';
import { Forbidden, type Viewer } from '../auth.js';
import { ReadLedger } from '../read-ledger.js';
import { LIMITS } from './builder.js';
import type { ApiDeps, Context } from './context.js';
import { inputGuard } from './input-guard.js';
import { ERROR_CODES, type InputIssue } from './problems.js';
import { recordReads } from './read-record.js';
import { schema } from './schema.js';

export interface GraphqlOptions {
  /** Whether the schema may be introspected (GraphiQL needs it). */
  introspection: boolean;
  /** Origins whose browser pages may call the API (CORS); none by default: the console is served from the same origin. */
  corsOrigins?: string[];
  /** Headers GraphiQL starts with, e.g. a demo token. */
  graphiqlHeaders?: Record<string, string>;
  logger?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export const EXAMPLE_QUERY = `# Every request needs a bearer token (pnpm token --role clerk --area <code>).
# Try: the registry of an area as it stood, then the households in it.
query Example {
  households(first: 5) {
    totalCount
    edges { node { id status cardNumber villageCode memberCount helper { name } } }
  }
}
`;

function noIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/**
 * Depth of the standard introspection query (GraphiQL's): the limit for any query, introspection
 * included. Other fields are held to LIMITS.depth by the complexity plugin, which does not look
 * at introspection.
 */
export const INTROSPECTION_DEPTH = 15;

/** What a client is told to wait before retrying while the database is away. */
export const RETRY_AFTER_SECONDS = 5;

function depthLimit(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(
        maxDepthRule({
          n: Math.max(INTROSPECTION_DEPTH, LIMITS.depth),
          ignoreIntrospection: false,
          flattenFragments: true,
          propagateOnRejection: false,
          onReject: [
            (context, error) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
          ],
        }),
      );
    },
  };
}

/**
 * graphql-js's own executor for queries and mutations. Yoga's default (@graphql-tools/executor
 * 1.x) builds each object's fields in the order their resolvers finish, so the same query could
 * answer its fields in different orders (hayes/pothos#1511); graphql-js keeps the order they
 * were asked in, as the spec's serialized map ordering asks, so equal answers are equal bytes.
 */
/**
 * Every error of an answer gains `extensions.localizedMessage`: its code's text from the shared
 * catalogue in the caller's language (Accept-Language; Chinese unless English is preferred),
 * beside the stable code and the English message. Streams (subscriptions) are left as they are.
 */
function localizedErrors(): Plugin {
  const localize = (error: GraphQLError, language: Language) => {
    // An error without a code and without a path was raised before execution, coercing the
    // variables (a field the input type does not have, a value of the wrong kind): the caller's
    // input, not the server's fault.
    const given = typeof error.extensions?.code === 'string' ? error.extensions.code : undefined;
    const code = given ?? (error.path ? 'INTERNAL' : 'BAD_USER_INPUT');
    const issues = Array.isArray(error.extensions?.issues) ? (error.extensions.issues as InputIssue[]) : undefined;
    return new GraphQLError(error.message, {
      ...(error.nodes ? { nodes: error.nodes } : {}),
      ...(error.source ? { source: error.source } : {}),
      ...(error.positions ? { positions: error.positions } : {}),
      ...(error.path ? { path: error.path } : {}),
      ...(error.originalError ? { originalError: error.originalError } : {}),
      extensions: {
        ...error.extensions,
        ...(given === undefined && code === 'BAD_USER_INPUT' ? { code } : {}),
        localizedMessage: refusalText({ code, detail: error.message, ...(issues ? { issues } : {}) }, language),
      },
    });
  };
  return {
    onResultProcess: ({ request, result, setResult }) => {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      const language = languageOf(request.headers.get('accept-language'));
      setResult({
        ...result,
        errors: result.errors.map((e) => localize(e, language)),
      });
    },
  };
}

function orderedExecution(): Plugin {
  return {
    onExecute({ setExecuteFn }) {
      setExecuteFn((args) => execute(args as ExecutionArgs));
    },
  };
}

/** The GraphQL endpoint. The viewer comes from the express request, verified before yoga runs. */
export function createGraphql(deps: ApiDeps, options: GraphqlOptions) {
  return createYoga<{ viewer?: Viewer }, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Bundled GraphiQL: it works without internet (yoga's default loads it from a CDN).
    renderGraphiQL,
    graphiql: {
      title: 'Poverty alleviation registry',
      defaultQuery: EXAMPLE_QUERY,
      ...(options.graphiqlHeaders ? { headers: JSON.stringify(options.graphiqlHeaders) } : {}),
    },
    logging: false,
    cors: options.corsOrigins?.length ? { origin: options.corsOrigins, credentials: false } : false,
    plugins: [
      inputGuard(),
      depthLimit(),
      orderedExecution(),
      recordReads(options.logger),
      localizedErrors(),
      ...(options.introspection ? [] : [noIntrospection()]),
    ],
    maskedErrors: {
      maskError: (error, message, isDev) => {
        const original = error instanceof GraphQLError ? error.originalError : error;
        const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
        if (original instanceof Forbidden) {
          return new GraphQLError(original.message, { ...located, extensions: { code: ERROR_CODES.forbidden } });
        }
        if (original instanceof ProjectionBehind) {
          return new GraphQLError(`${original.message}; the answer would not include it yet: retry shortly`, {
            ...located,
            extensions: { code: ERROR_CODES.behind, position: original.position, checkpoint: original.checkpoint },
          });
        }
        if (isTransient(original)) {
          // The database (or the event store) is away: restarting, failing over, unreachable.
          // The same request will do once it is back.
          return new GraphQLError(
            `the database is unavailable: retry in ${RETRY_AFTER_SECONDS} s; a command retried with its commandId is never written twice (${(original as Error).message})`,
            {
              ...located,
              extensions: {
                code: ERROR_CODES.unavailable,
                http: { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
              },
            },
          );
        }
        if (original instanceof ProjectionFailed) {
          return new GraphQLError(`the read models have stopped: ${original.message}`, {
            ...located,
            extensions: { code: ERROR_CODES.projectionFailed },
          });
        }
        if (!(original instanceof GraphQLError)) options.logger?.error({ err: original }, 'unexpected GraphQL error');
        return maskError(error, message, isDev);
      },
    },
    context: ({ viewer, request }) => {
      if (!viewer) throw new GraphQLError('unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } });
      const histories = new Map<string, Promise<HistoryEvent[]>>();
      return {
        viewer,
        deps,
        reads: new ReadLedger(viewer, deps.reads),
        language: languageOf(request.headers.get('accept-language')),
        now: new Date().toISOString(),
        history: (householdId: string) => {
          let history = histories.get(householdId);
          if (!history) {
            history = deps.handler.history(householdId);
            histories.set(householdId, history);
          }
          return history;
        },
      };
    },
  });
}
