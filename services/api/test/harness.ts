import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type Member, nationalIdCheckChar } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { GraphQLClient } from 'graphql-request';
import { pino } from 'pino';
import { buildApp } from '../src/app.js';
import { issueToken, type TokenClaims, TokenVerifier } from '../src/auth.js';
import { loadConfig } from '../src/config.js';
import { type Infrastructure, startInfrastructure } from '../src/infrastructure.js';

export const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
export const COUNTY = '320924000000';
export const TOWNSHIP = '320924101000';
export const VILLAGE = '320924101201';
export const OTHER_TOWNSHIP = '320924102000';
export const OTHER_VILLAGE = '320924102203';

export interface RunningApi {
  url: string;
  db: TestDatabase;
  infrastructure: Infrastructure;
  token(claims: TokenClaims): Promise<string>;
  /** A real GraphQL client over HTTP, acting as the token's holder; errors come back, not thrown. */
  client(claims: TokenClaims): Promise<GraphQLClient>;
  close(): Promise<void>;
}

/** The whole service on a fresh database: stores, projections, GraphQL, listening on a free port. */
export async function startApi(prefix: string, env: Record<string, string> = {}): Promise<RunningApi> {
  const db = await createTestDatabase(prefix);
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...env });
  // TEST_API_LOG=error (or debug) shows the service's own log, e.g. the cause of an "Unexpected error.".
  const logger = pino({ level: process.env.TEST_API_LOG ?? 'silent' });
  const infrastructure = await startInfrastructure(config, logger);
  const verifier = await TokenVerifier.create({ secret: SECRET });
  const app = buildApp({
    ...infrastructure,
    logger,
    readiness: config.readiness,
    api: {
      deps: infrastructure,
      verifier,
      options: { introspection: config.introspection, corsOrigins: config.corsOrigins, logger },
    },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const token = (claims: TokenClaims) => issueToken(SECRET, claims);
  return {
    url,
    db,
    infrastructure,
    token,
    client: async (claims) =>
      new GraphQLClient(`${url}/graphql`, {
        headers: { authorization: `Bearer ${await token(claims)}` },
        errorPolicy: 'all',
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await infrastructure.stop();
      await db.close();
    },
  };
}

/** Clerks of each level of one county (村申请、乡审核、县审批: each records its own steps). */
export const villageClerk: TokenClaims = { sub: 'clerk-zhao', role: 'clerk', unit: '张庄村村委会', area: VILLAGE };
export const townshipClerk: TokenClaims = { sub: 'clerk-zhang', role: 'clerk', unit: '城关镇扶贫办', area: TOWNSHIP };
export const countyClerk: TokenClaims = { sub: 'clerk-wang', role: 'clerk', unit: '县扶贫办', area: COUNTY };
export const otherClerk: TokenClaims = { sub: 'clerk-li', role: 'clerk', unit: '河口镇扶贫办', area: OTHER_TOWNSHIP };
export const evaluator: TokenClaims = { sub: 'eval-wu', role: 'evaluator', unit: '县扶贫办', area: COUNTY };
export const assessor: TokenClaims = { sub: 'assess-zhao', role: 'assessor', unit: '第三方评估机构', area: COUNTY };
export const admin: TokenClaims = { sub: 'admin', role: 'admin', unit: '省扶贫办' };

let seq = 0;
/** A member with a national ID number that checks, born in the county. */
export function person(
  relation: Member['relation'],
  sex: 'male' | 'female' = 'male',
  birthDate = '1970-05-12',
): Member {
  seq++;
  // One person, one number: distinct for every seq up to 50,000.
  const order = String((seq % 500) * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0');
  const first17 = `3209${String(Math.floor(seq / 500) % 100).padStart(2, '0')}${birthDate.replaceAll('-', '')}${order}`;
  return {
    memberId: randomUUID(),
    nationalId: first17 + nationalIdCheckChar(first17),
    name: `村民${seq}`,
    sex,
    birthDate,
    relation,
    health: 'healthy',
    labourCapacity: 'ordinary',
    schooling: 'not_in_school',
    insurance: { basicMedical: true, seriousIllness: false, pension: false },
  };
}

export type Result = {
  __typename: string;
  householdId?: string;
  version?: number;
  position?: string;
  duplicate?: boolean;
  events?: { id: string; type: string; revision: number }[];
  message?: string;
  issues?: { path: string; message: string }[];
  rule?: string;
  unmetCriteria?: string[];
  expectedVersion?: number;
  actualVersion?: number;
};

export const RESULT_FIELDS = `
  __typename
  ... on CommandSuccess { householdId version position duplicate events { id type revision } }
  ... on Problem { message }
  ... on ValidationError { issues { path message } }
  ... on RuleViolation { rule unmetCriteria }
  ... on ConcurrencyConflict { expectedVersion actualVersion }`;

/** Sends one command mutation through HTTP and returns its result union member. */
export async function send(
  client: GraphQLClient,
  type: string,
  input: { householdId: string; effectiveAt: string; reason?: string; data?: unknown },
  options: { commandId?: string; expectedVersion?: number } = {},
): Promise<Result> {
  const field = type.charAt(0).toLowerCase() + type.slice(1);
  const response = await client.rawRequest<Record<string, Result>>(
    `mutation Send($commandId: ID!, $expectedVersion: Int, $input: ${type}Input!) {
      ${field}(commandId: $commandId, expectedVersion: $expectedVersion, input: $input) { ${RESULT_FIELDS} }
    }`,
    { commandId: options.commandId ?? randomUUID(), expectedVersion: options.expectedVersion, input },
  );
  if (response.errors?.length) throw new Error(`${type}: ${JSON.stringify(response.errors)}`);
  return response.data[field] as Result;
}

export async function ok(client: GraphQLClient, type: string, input: Parameters<typeof send>[2], options = {}) {
  const result = await send(client, type, input, options);
  if (result.__typename !== 'CommandSuccess') throw new Error(`${type} refused: ${JSON.stringify(result)}`);
  return result;
}

export async function query<T>(client: GraphQLClient, document: string, variables: Record<string, unknown> = {}) {
  const response = await client.rawRequest<T>(document, variables);
  return { data: response.data, errors: response.errors };
}

/** A GraphQL client of a service at `url` (e.g. one started as a child process), acting with `token`. */
export const clientAt = (url: string, token: string): GraphQLClient =>
  new GraphQLClient(`${url}/graphql`, { headers: { authorization: `Bearer ${token}` }, errorPolicy: 'all' });

/**
 * An edge household taken into monitoring, with its helper: it takes visits and measures
 * without the identification steps. Returns the helper's assignment (its position is the last).
 */
export async function monitoredHousehold(
  client: GraphQLClient,
  householdId: string,
  effectiveAt = '2020-03-01',
  address = '张庄村1号',
): Promise<Result> {
  await ok(client, 'StartMonitoring', {
    householdId,
    effectiveAt,
    data: {
      category: 'edge_vulnerable',
      risks: ['因病'],
      household: { villageCode: VILLAGE, address },
      members: [person('head')],
    },
  });
  return ok(client, 'AssignHelper', {
    householdId,
    effectiveAt,
    data: { helper: { helperId: 'helper-1', name: '王干部', unit: '县农业局' } },
  });
}
