import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@registry/postgres';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, type TokenClaims } from '../src/auth.js';
import { acceptableCommands, newId, type Operation, operationsOf, type World } from './fuzz/generate.js';
import {
  admin,
  assessor,
  COUNTY,
  evaluator,
  OTHER_TOWNSHIP,
  OTHER_VILLAGE,
  otherClerk,
  person,
  SECRET,
  TOWNSHIP,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';
import { ROOT, type Running, startService, stopService } from './service.js';

/** Runs per property; FUZZ_RUNS raises them for a longer hunt. FUZZ_SEED replays a failure. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
/** A request takes a few milliseconds; a property may take its runs' time and then some. */
const TIMEOUT = 60_000 + RUNS * 100;

/** Codes an answer may carry: each names what was wrong. INTERNAL_SERVER_ERROR ("Unexpected error.") never. */
const NAMED = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', undefined]);
/** Answers that say something was appended (or, with duplicate, had been). */
const WRITES = new Set([
  'CommandSuccess',
  'ReferenceSuccess',
  'AreaRecordSuccess',
  'AssessmentSuccess',
  'PolicyVersionSuccess',
]);
const REFUSALS = new Set(['ValidationError', 'RuleViolation', 'ConcurrencyConflict', 'NotFound', 'Forbidden']);
/** Mutations that append nothing to the log (signing its head): their answer is neither a write nor a refusal. */
const NOT_COMMANDS = new Set(['signLogHead']);

type Answer = {
  data?: Record<string, { __typename?: string; duplicate?: boolean; householdId?: string; position?: string } | null>;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/**
 * Hostile values for every mutation and query of the schema, through real HTTP, against the
 * service as the README starts it (a child process running main.ts). After each request: the
 * process is alive, the answer is a success or a named error, a refusal wrote nothing, and
 * what was accepted reached the read models. At the end every projection is caught up.
 */
describe(`fuzz: hostile values through every operation (seed ${SEED}, ${RUNS} runs)`, () => {
  let db: TestDatabase;
  let service: Running;
  const tokens: Record<string, string> = {};
  const world: World & { monitored: string; planned: { id: string; measureId: string } } = {
    monitored: '',
    planned: { id: '', measureId: '' },
    households: { own: [], foreign: [] },
    areas: { own: [TOWNSHIP, VILLAGE, COUNTY], foreign: [OTHER_TOWNSHIP, OTHER_VILLAGE, '110101000000'] },
    villages: { own: [VILLAGE, '320924101202'], foreign: [OTHER_VILLAGE] },
    memberIds: [],
    eventIds: [],
    measureIds: [],
    positions: [],
  };
  const stored = async () =>
    Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]?.n);

  const graphql = async (
    token: string,
    query: string,
    variables: unknown,
  ): Promise<{ status: number; body: string }> => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.text() };
  };

  /** A setup command that must succeed; its ids join the world. */
  const setup = async (token: string, type: string, input: Record<string, unknown>) => {
    const field = type.charAt(0).toLowerCase() + type.slice(1);
    const { body } = await graphql(
      token,
      `mutation($c: ID!, $i: ${type}Input!) { ${field}(commandId: $c, input: $i) {
        __typename ... on CommandSuccess { position events { id } } ... on Problem { message } } }`,
      { c: newId(), i: input },
    );
    const result = (
      JSON.parse(body) as { data: Record<string, { __typename: string; position: string; events: { id: string }[] }> }
    ).data[field];
    if (result?.__typename !== 'CommandSuccess') throw new Error(`setup ${type}: ${body}`);
    world.eventIds.push(...result.events.map((e) => e.id));
    world.positions.push(result.position);
    return result.events.map((e) => e.id);
  };

  beforeAll(async () => {
    db = await createTestDatabase('api_fuzz');
    service = await startService({
      DATABASE_URL: db.url,
      JWT_SECRET: SECRET,
      PORT: String(await freePort()),
      DATA_DIR: path.join(ROOT, '.data', 'fuzz-unused'),
    });
    const roles: Record<string, TokenClaims> = {
      clerk: townshipClerk,
      villageClerk,
      otherVillageClerk: { sub: 'clerk-he', role: 'clerk', unit: '河口村村委会', area: OTHER_VILLAGE },
      otherClerk,
      countyClerk: { sub: 'clerk-county', role: 'clerk', unit: '县扶贫办', area: COUNTY },
      evaluator,
      assessor,
      admin,
    };
    for (const [name, claims] of Object.entries(roles)) tokens[name] = await issueToken(SECRET, claims);

    // An edge household in monitoring (it takes visits and measures), one mid-identification,
    // and one in another township.
    const monitored = newId();
    const head = person('head');
    await setup(tokens.clerk as string, 'StartMonitoring', {
      householdId: monitored,
      effectiveAt: '2020-03-01',
      data: {
        category: 'edge_vulnerable',
        risks: ['因病'],
        household: { villageCode: VILLAGE, address: '张庄村1号' },
        members: [head],
      },
    });
    await setup(tokens.clerk as string, 'AssignHelper', {
      householdId: monitored,
      effectiveAt: '2020-03-02',
      data: { helper: { helperId: 'helper-1', name: '王干部', unit: '县农业局' } },
    });
    const measureId = newId();
    await setup(tokens.clerk as string, 'PlanAssistance', {
      householdId: monitored,
      effectiveAt: '2020-03-03',
      data: {
        measureId,
        category: 'industry',
        description: '养殖',
        amountFen: 500_000,
        fundingSource: 'central',
        year: 2020,
      },
    });
    const applicant = newId();
    await setup(tokens.villageClerk as string, 'ApplyForRegistration', {
      householdId: applicant,
      effectiveAt: '2016-03-01',
      data: { household: { villageCode: VILLAGE, address: '张庄村2号' }, members: [person('head')] },
    });
    const foreign = newId();
    await setup(tokens.otherVillageClerk as string, 'ApplyForRegistration', {
      householdId: foreign,
      effectiveAt: '2016-03-01',
      data: { household: { villageCode: OTHER_VILLAGE, address: '河口村3号' }, members: [person('head')] },
    });
    // The household the acceptable commands go to; the random ones do not know it, so it stays open.
    const kept = newId();
    await setup(tokens.clerk as string, 'StartMonitoring', {
      householdId: kept,
      effectiveAt: '2014-01-01',
      data: {
        category: 'sudden_hardship',
        risks: ['因灾'],
        household: { villageCode: VILLAGE, address: '张庄村9号' },
        members: [person('head')],
      },
    });
    await setup(tokens.clerk as string, 'AssignHelper', {
      householdId: kept,
      effectiveAt: '2014-01-01',
      data: { helper: { helperId: 'helper-2', name: '李干部', unit: '县教育局' } },
    });
    const keptMeasure = newId();
    const [planned] = await setup(tokens.clerk as string, 'PlanAssistance', {
      householdId: kept,
      effectiveAt: '2014-01-01',
      data: {
        measureId: keptMeasure,
        category: 'training',
        description: '技能培训',
        amountFen: 100_000,
        fundingSource: 'county',
        year: 2014,
      },
    });
    world.monitored = kept;
    world.planned = { id: planned as string, measureId: keptMeasure };
    world.households.own.push(monitored, applicant);
    world.households.foreign.push(foreign);
    world.memberIds.push(head.memberId);
    world.measureIds.push(measureId);
  });

  afterAll(async () => {
    if (service) await stopService(service);
    await db?.close();
  });

  /** The checks after every request: alive, answered, and a refusal left the log as it was. */
  async function alive(): Promise<void> {
    expect(service.child.exitCode, `the service exited:\n${service.output().slice(-4000)}`).toBeNull();
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  }

  it(
    'every operation, every role: a success or a named error; refusals write nothing; what is accepted is projected',
    async () => {
      const schema = buildSchema(readFileSync(path.join(ROOT, 'schema/registry.graphql'), 'utf8'));
      const operations = operationsOf(schema, world);
      expect(operations.length).toBeGreaterThan(35);
      const acceptable = acceptableCommands(operations, world);
      let accepted = 0;
      const request = fc
        .oneof(
          { weight: 4, arbitrary: fc.constantFrom(...operations) },
          { weight: 1, arbitrary: fc.constantFrom(...acceptable) },
        )
        .chain((op) =>
          fc.tuple(
            fc.constant(op),
            op.variables,
            // Writers more often than readers, so that commands get far enough to be decided.
            fc.oneof(
              { weight: 3, arbitrary: fc.constantFrom('clerk', 'countyClerk', 'admin') },
              { weight: 1, arbitrary: fc.constantFrom('otherClerk', 'evaluator', 'assessor') },
            ),
          ),
        );
      await fc.assert(
        fc.asyncProperty(request, async ([op, variables, role]: [Operation, Record<string, unknown>, string]) => {
          const before = await stored();
          const { status, body } = await graphql(tokens[role] as string, op.document, variables);
          const where = `${op.name} as ${role} with ${JSON.stringify(variables).slice(0, 600)}: ${status} ${body.slice(0, 600)}`;
          await alive();
          expect([200, 400, 413], where).toContain(status);
          if (status === 413) {
            expect(await stored(), where).toBe(before);
            return;
          }
          const answer = JSON.parse(body) as Answer;
          for (const error of answer.errors ?? []) {
            expect(error.message, where).not.toBe('Unexpected error.');
            expect(NAMED.has(error.extensions?.code), where).toBe(true);
          }
          const result = op.mutationField ? answer.data?.[op.mutationField] : undefined;
          const written = result && WRITES.has(result.__typename as string);
          if (!written || result.duplicate) {
            if (result && !NOT_COMMANDS.has(op.mutationField as string)) {
              expect(REFUSALS.has(result.__typename as string) || result.duplicate, where).toBe(true);
            }
            expect(await stored(), `${where}\nwas refused, yet the log grew`).toBe(before);
            return;
          }
          accepted++;
          expect(await stored(), where).toBeGreaterThan(before);
          if (result.__typename === 'CommandSuccess') {
            // Whatever the write side accepted, the read side holds: the household reads back at its position.
            world.positions.push(result.position as string);
            const read = await graphql(
              tokens.admin as string,
              'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { id version } }',
              {
                id: result.householdId,
                w: result.position,
              },
            );
            const readBack = JSON.parse(read.body) as Answer;
            expect(readBack.errors, `${where}\nread back: ${read.body}`).toBeUndefined();
            expect(readBack.data?.household, `${where}\nread back: ${read.body}`).not.toBeNull();
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      process.stdout.write(`fuzz: ${accepted} commands accepted and projected\n`);
      // Not vacuous: some hostile-but-valid commands got through and were projected.
      expect(accepted).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    'hostile export parameters and raw requests: named refusals only, and the service stays up',
    async () => {
      const param = fc.oneof(
        fc.constantFrom(TOWNSHIP, VILLAGE, OTHER_TOWNSHIP, '2020-01-01', '2099-01-01T00:00:00Z', 'csv', 'jsonl', 'xml'),
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.constantFrom('\u0000', "'", '%00', '9999-12-31T23:59:59-14:00', '+275760-09-13T00:00:00Z', 'x'.repeat(5000)),
      );
      const exportRequest = fc.record(
        { areaCode: param, effectiveOn: param, knownAt: param, format: param },
        { requiredKeys: [] },
      );
      const raw = fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
        contentType: fc.constantFrom(
          'application/json',
          'application/graphql+json',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'text/plain',
          'application/json; charset=latin1',
          '',
        ),
        body: fc.oneof(
          fc.constantFrom(
            '{',
            '[]',
            '"x"',
            'null',
            '{"query":1}',
            '{"query":"{ __typename }","variables":"x"}',
            '{"query":"{"}',
          ),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.constant(
            `{"query":"{ households { totalCount } }","variables":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
          ),
        ),
        authorization: fc.oneof(
          fc.constantFrom('', 'Bearer', 'Bearer x.y.z', 'Basic YWRtaW46YWRtaW4='),
          fc.constant('valid'),
        ),
      });
      await fc.assert(
        fc.asyncProperty(exportRequest, raw, async (q, r) => {
          const before = await stored();
          const search = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
          const exported = await fetch(`${service.url}/export/snapshot?${search}`, {
            headers: { authorization: `Bearer ${tokens.assessor}` },
          });
          const exportBody = await exported.text();
          const where = `export ${search}: ${exported.status} ${exportBody.slice(0, 300)}`;
          expect([200, 400, 403], where).toContain(exported.status);
          if (exported.status === 200) expect(exportBody, where).not.toMatch(/\d{17}[\dX]/);
          else expect((JSON.parse(exportBody) as { error: string }).error, where).toMatch(/^\w+: /);

          const token = r.authorization === 'valid' ? `Bearer ${tokens.clerk}` : r.authorization;
          const response = await fetch(`${service.url}/graphql`, {
            method: r.method,
            headers: {
              ...(r.contentType ? { 'content-type': r.contentType } : {}),
              ...(token ? { authorization: token } : {}),
            },
            ...(r.method === 'GET' || r.method === 'OPTIONS' ? {} : { body: r.body }),
          });
          const text = await response.text();
          const rawWhere = `${r.method} ${r.contentType} ${r.authorization} ${r.body.slice(0, 200)}: ${response.status} ${text.slice(0, 300)}`;
          expect(response.status, rawWhere).toBeLessThan(500);
          expect(text, rawWhere).not.toContain('Unexpected error.');
          await alive();
          expect(await stored(), rawWhere).toBe(before);
        }),
        { numRuns: Math.ceil(RUNS / 4), seed: SEED, endOnFailure: true },
      );
    },
    TIMEOUT,
  );

  it('at the end every projection has caught up, and the service logged no bug', async () => {
    let ready = await fetch(`${service.url}/readyz`);
    for (let i = 0; i < 100 && ready.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await fetch(`${service.url}/readyz`);
    }
    expect(ready.status, await ready.clone().text()).toBe(200);
    const checkpoints = await db.pool.query<{ name: string; status: string; error: string | null }>(
      'SELECT name, status, error FROM projection_checkpoints',
    );
    for (const row of checkpoints.rows) expect(row, row.name).toMatchObject({ status: 'running', error: null });
    expect(service.output()).not.toContain('BUG:');
    expect(service.output()).not.toContain('"level":60');
  });
});
