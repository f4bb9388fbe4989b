import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { HistoryEvent } from '@registry/registry';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import { createYoga, maskError, type Plugin } from 'graphql-yoga';
import { Forbidden, type Viewer } from '../auth.js';
import type { ApiDeps, Context } from './context.js';
import { schema } from './schema.js';

export interface GraphqlOptions {
  /** Whether the schema may be introspected (GraphiQL needs it). */
  introspection: boolean;
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
    plugins: options.introspection ? [] : [noIntrospection()],
    maskedErrors: {
      maskError: (error, message, isDev) => {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof Forbidden) {
          return new GraphQLError(original.message, {
            ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
            extensions: { code: 'FORBIDDEN' },
          });
        }
        if (!(original instanceof GraphQLError)) options.logger?.error({ err: original }, 'unexpected GraphQL error');
        return maskError(error, message, isDev);
      },
    },
    context: ({ viewer }) => {
      if (!viewer) throw new GraphQLError('unauthenticated', { extensions: { code: 'UNAUTHENTICATED' } });
      const histories = new Map<string, Promise<HistoryEvent[]>>();
      return {
        viewer,
        deps,
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
