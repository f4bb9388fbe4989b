import { randomUUID } from 'node:crypto';
import { getIntrospectionQuery } from 'graphql';
import type { GraphQLClient } from 'graphql-request';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER } from '../src/auth.js';
import {
  admin,
  assessor,
  COUNTY,
  monitoredHousehold,
  OTHER_VILLAGE,
  ok,
  person,
  query,
  type RunningApi,
  SECRET,
  send,
  startApi,
  TOWNSHIP,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

/** Another village of the clerk's township. */
const NEIGHBOUR_VILLAGE = '320924101202';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

type GraphqlBody = {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    extensions?: { code?: string; issues?: { path: string; message: string }[]; localizedMessage?: string };
  }[];
};

/**
 * The hostile inputs of the hardening issue, one by one, through real HTTP. Each would have
 * crashed the process, frozen the read models, or answered "Unexpected error." before.
 */
describe('hostile input: each known attack is refused by name and writes nothing', () => {
  let api: RunningApi;
  let clerk: GraphQLClient;
  let auth: Record<string, string>;
  const householdId = randomUUID();
  /** Every event stored, committed or not yet visible to log readers: what a refusal must not change. */
  const stored = async () => (await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]?.n;
  let applied: string;

  beforeAll(async () => {
    api = await startApi('api_hostile');
    clerk = await api.client(townshipClerk);
    auth = { authorization: `Bearer ${await api.token(townshipClerk)}` };
    ({ position: applied } = (await monitoredHousehold(clerk, householdId, '2014-01-01', '张庄村5号')) as {
      position: string;
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('1. a NUL character in a filter is refused by name, and the service goes on answering', async () => {
    const response = await post(
      api.url,
      { query: '{ households(filter: { text: "a\\u0000b" }) { totalCount } }' },
      auth,
    );
    const body = (await response.json()) as GraphqlBody;
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toBe(
      'households(filter).text: must not contain control characters (found U+0000)',
    );
    const asVariable = await post(
      api.url,
      { query: 'query($t: String) { households(filter: { text: $t }) { totalCount } }', variables: { t: 'a\u0000b' } },
      auth,
    );
    expect(((await asVariable.json()) as GraphqlBody).errors?.[0]?.message).toBe(
      '$t: must not contain control characters (found U+0000)',
    );
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const again = await query<{ households: { totalCount: number } }>(
      clerk,
      'query($w: Position) { households(waitFor: $w) { totalCount } }',
      { w: applied },
    );
    expect(again.data.households.totalCount).toBe(1);
  });

  it('2 and 9. effective dates before the registry, in year 0000 or in the future are refused; the read models keep up', async () => {
    const before = await stored();
    const at = (effectiveAt: string) => ({ householdId, effectiveAt, data: { notes: '走访' } });
    // A Date the API cannot hold is refused by the scalar, before any resolver runs.
    const year0 = await post(
      api.url,
      {
        query: `mutation($c: ID!, $i: RecordVisitInput!) { recordVisit(commandId: $c, input: $i) { __typename } }`,
        variables: { c: randomUUID(), i: at('0000-01-01') },
      },
      auth,
    );
    expect(((await year0.json()) as GraphqlBody).errors?.[0]).toMatchObject({
      message: expect.stringContaining('Date "0000-01-01": must lie between 1900-01-01 and 2099-12-31'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const tooEarly = await send(clerk, 'RecordVisit', at('2013-12-31'));
    expect(tooEarly.issues).toEqual([
      {
        path: 'input.effectiveAt',
        message: "must be on or after 2014-01-01, when the registry's history starts (建档立卡)",
      },
    ]);
    const twoYearsAhead = `${new Date().getUTCFullYear() + 2}-06-01`;
    const future = await send(clerk, 'RecordVisit', at(twoYearsAhead));
    expect(future.__typename).toBe('ValidationError');
    expect(future.issues?.[0]?.path).toBe('input.effectiveAt');
    expect(future.issues?.[0]?.message).toMatch(/^must not be in the future \(today is \d{4}-\d{2}-\d{2}/);
    const oldBirth = await send(clerk, 'AddMember', {
      householdId,
      effectiveAt: '2016-04-01',
      data: {
        member: { ...person('child'), nationalId: '32092400000101001X', birthDate: '0000-01-01' },
        reason: 'birth',
      },
    });
    expect(oldBirth.__typename).toBe('ValidationError');
    expect(oldBirth.issues?.map((i) => i.path)).toEqual(
      expect.arrayContaining(['input.data.member.nationalId', 'input.data.member.birthDate']),
    );
    // What a rule finds wrong is named where the caller put the field, too: in the envelope or in the data.
    const noReason = await send(clerk, 'CorrectEvent', {
      householdId,
      effectiveAt: '2016-04-01',
      data: { eventId: randomUUID(), action: 'void' },
    });
    expect(noReason.issues).toEqual([{ path: 'input.reason', message: 'is required to correct an event' }]);
    const noHousehold = await send(clerk, 'StartMonitoring', {
      householdId: randomUUID(),
      effectiveAt: '2016-04-01',
      data: { category: 'edge_vulnerable', risks: ['因病'] },
    });
    expect(noHousehold.issues?.map((i) => i.path)).toEqual(['input.data.household']);
    expect(await stored()).toBe(before);

    // The first and last days the registry takes are accepted, and projected.
    const first = await ok(clerk, 'RecordVisit', at('2014-01-01'));
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const last = await ok(clerk, 'RecordVisit', at(today));
    const read = await query<{ household: { version: number } }>(
      clerk,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }',
      { id: householdId, w: last.position },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data.household.version).toBe(last.version);
    expect(first.version).toBe((last.version as number) - 1);
    const ready = (await (await fetch(`${api.url}/readyz`)).json()) as { status: string };
    expect(ready.status).toBe('ready');
  });

  it('3. a correction cannot move a household out of the clerk’s area; within it, it can', async () => {
    const history = await query<{
      household: { history: { edges: { node: { id: string; type: string; data: unknown } }[] } };
    }>(clerk, 'query($id: ID!) { household(id: $id) { history(first: 1) { edges { node { id type data } } } } }', {
      id: householdId,
    });
    const application = history.data.household.history.edges[0]?.node as { id: string; data: Record<string, unknown> };
    const moved = (villageCode: string) => ({
      ...application.data,
      household: { ...(application.data.household as object), villageCode },
    });
    const correct = (villageCode: string) =>
      send(clerk, 'CorrectEvent', {
        householdId,
        effectiveAt: '2016-03-01',
        reason: '村别录入错误',
        data: { eventId: application.id, action: 'replace', replacementData: moved(villageCode) },
      });
    const before = await stored();
    const away = await correct(OTHER_VILLAGE);
    expect(away.__typename).toBe('Forbidden');
    expect(away.message).toBe(
      `household ${householdId} would move to village ${OTHER_VILLAGE}, outside your area ${TOWNSHIP}`,
    );
    expect(await stored()).toBe(before);
    const nearby = await correct(NEIGHBOUR_VILLAGE);
    expect(nearby.__typename).toBe('CommandSuccess');
    const back = await correct(VILLAGE);
    expect(back.__typename).toBe('CommandSuccess');
  });

  it('4. every request body over the limit, or of a content type that is not JSON, is refused before it is read', async () => {
    const big = JSON.stringify({ query: '{ households { totalCount } }', variables: { pad: 'x'.repeat(10_000_000) } });
    const asGraphqlJson = await post(api.url, big, { ...auth, 'content-type': 'application/graphql+json' });
    expect(asGraphqlJson.status).toBe(413);
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', '']) {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { ...auth, ...(type ? { 'content-type': type } : {}) },
        body: `query=${encodeURIComponent('{ households { totalCount } }')}&pad=${'x'.repeat(1_000_000)}`,
      });
      expect(response.status, type).toBe(415);
      expect(((await response.json()) as { error: string }).error).toMatch(/^content-type must be application\/json/);
    }
    const small = await post(
      api.url,
      { query: '{ households { totalCount } }' },
      {
        ...auth,
        'content-type': 'application/graphql+json',
      },
    );
    expect(small.status).toBe(200);
  });

  it('5. without a token nothing reaches the executor; only the GraphiQL page itself is served', async () => {
    for (const accept of ['*/*', 'application/json', 'application/graphql-response+json', '']) {
      const response = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: accept ? { accept } : {},
      });
      expect(response.status, accept).toBe(401);
      expect(await response.text()).not.toContain('__typename');
    }
    const page = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<title>Poverty alleviation registry</title>');
    const elsewhere = await fetch(`${api.url}/graphql/x?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'text/html' },
    });
    expect(elsewhere.status).toBe(401);
  });

  it('6. the same command id sent many times at once is written once, and all answers but one say duplicate', async () => {
    // Rounds of concurrent repeats, with and without the version the client saw: a repeat can
    // land before the first commits (it conflicts, re-reads and finds the events) or after (the
    // store recognises the retried events); neither is a conflict or a second write.
    let written = applied;
    for (let round = 0; round < 6; round++) {
      const commandId = randomUUID();
      const seen = await query<{ household: { version: number } }>(
        clerk,
        'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }',
        { id: householdId, w: written },
      );
      const options = round % 2 === 0 ? { commandId } : { commandId, expectedVersion: seen.data.household.version };
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          send(clerk, 'RecordVisit', { householdId, effectiveAt: '2016-05-01', data: { notes: '同时提交' } }, options),
        ),
      );
      expect(results.map((r) => r.__typename)).toEqual(Array(12).fill('CommandSuccess'));
      expect(results.filter((r) => r.duplicate === false)).toHaveLength(1);
      expect(new Set(results.map((r) => r.position)).size).toBe(1);
      written = results[0]?.position as string;
      const history = await query<{ household: { history: { edges: { node: { commandId: string } }[] } } }>(
        clerk,
        'query($id: ID!) { household(id: $id) { history(first: 500) { edges { node { commandId } } } } }',
        { id: householdId },
      );
      expect(history.data.household.history.edges.filter((e) => e.node.commandId === commandId)).toHaveLength(1);
    }
  });

  it('7. bad input gets a named error, never "Unexpected error."', async () => {
    // A command id already used for another household.
    const commandId = randomUUID();
    const village = await api.client(villageClerk);
    const apply = (id: string) =>
      send(
        village,
        'ApplyForRegistration',
        {
          householdId: id,
          effectiveAt: '2016-03-02',
          data: { household: { villageCode: VILLAGE, address: '李庄1号' }, members: [person('head')] },
        },
        { commandId },
      );
    expect((await apply(randomUUID())).__typename).toBe('CommandSuccess');
    const before = await stored();
    const reused = await apply(randomUUID());
    expect(reused).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        { path: 'commandId', message: 'was already used for a different command; every command needs a new id' },
      ],
    });
    expect(await stored()).toBe(before);

    // A quote in an area code; a lone surrogate in a text.
    const quoted = await post(
      api.url,
      { query: `{ households(filter: { areaCode: "320924'" }) { totalCount } }` },
      auth,
    );
    const quotedBody = (await quoted.json()) as GraphqlBody;
    expect(quotedBody.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Every error also reads in the caller's language: Chinese by default, English when preferred.
    expect(quotedBody.errors?.[0]?.extensions?.localizedMessage).toMatch(/^输入有误/);
    const english = await post(
      api.url,
      { query: `{ households(filter: { areaCode: "320924'" }) { totalCount } }` },
      { ...auth, 'accept-language': 'en-GB,en;q=0.9' },
    );
    expect(((await english.json()) as GraphqlBody).errors?.[0]?.extensions?.localizedMessage).toMatch(
      /^invalid input: .*must be a 12-digit statistical area code/,
    );
    expect(quotedBody.errors?.[0]?.message).toMatch(/AreaCode "320924'": must be a 12-digit statistical area code/);
    // A variable with a field its input type does not have: the caller's input, not an internal error.
    const unknownField = await post(
      api.url,
      {
        query: `mutation($c: ID!, $i: ClosePublicNoticeInput!) { closePublicNotice(commandId: $c, input: $i) { __typename } }`,
        variables: { c: randomUUID(), i: { householdId, effectiveAt: '2016-05-02', data: {} } },
      },
      auth,
    );
    expect(((await unknownField.json()) as GraphqlBody).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      localizedMessage: expect.stringMatching(/^输入有误/),
    });
    const surrogate = await post(
      api.url,
      {
        query: `mutation($c: ID!, $i: RecordVisitInput!) { recordVisit(commandId: $c, input: $i) { __typename } }`,
        variables: { c: randomUUID(), i: { householdId, effectiveAt: '2016-05-02', data: { notes: 'ab\ud800c' } } },
      },
      auth,
    );
    expect(((await surrogate.json()) as GraphqlBody).errors?.[0]).toMatchObject({
      message: '$i.data.notes: must be valid Unicode text (it contains a lone UTF-16 surrogate)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await stored()).toBe(before);

    // knownAt far in the future, on the export and on a snapshot.
    for (const knownAt of ['9999-12-31T23:59:59-14:00', '+275760-09-13T00:00:00Z', '2099-01-01T00:00:00Z']) {
      const response = await fetch(
        `${api.url}/export/snapshot?areaCode=${TOWNSHIP}&effectiveOn=2020-01-01&knownAt=${encodeURIComponent(knownAt)}`,
        { headers: auth },
      );
      expect(response.status, knownAt).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^knownAt: must/);
    }
    const snapshot = await query(
      clerk,
      `{ registrySnapshot(areaCode: "${TOWNSHIP}", effectiveOn: "2020-01-01", knownAt: "2099-01-01T00:00:00Z") { households } }`,
    );
    expect(snapshot.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(snapshot.errors?.[0]?.message).toMatch(/^knownAt: must not be after now/);

    // A position the log never reached: refused at once, not after a timeout.
    const started = Date.now();
    const never = await query(
      clerk,
      `{ household(id: "${householdId}", waitFor: "7fffffffffffffff-0000000000000001") { version } }`,
    );
    expect(never.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(never.errors?.[0]?.message).toMatch(/^waitFor: is not in the log as it can be read now/);
    expect(Date.now() - started).toBeLessThan(5_000);

    // An audit filter on something that is not a household id.
    const audit = await query(clerk, `{ auditTrail(filter: { householdId: "x'" }) { edges { cursor } } }`);
    expect(audit.errors?.[0]).toMatchObject({
      message: 'filter.householdId: must be a UUID',
      extensions: { code: 'BAD_USER_INPUT' },
    });

    // Work-queue filters: an open case that is no kind or step, a year outside the registry's.
    for (const [filter, message] of [
      ['openCase: "village_notice"', /^filter\.openCase: must be identification or exit/],
      ['openCase: "exit:%"', /^filter\.openCase: must be identification or exit/],
      ['visitsBelowMinimumIn: 1999', /^filter\.visitsBelowMinimumIn: must be a year from 2014 to 2099/],
    ] as const) {
      const refused = await query(clerk, `{ households(filter: { ${filter} }) { totalCount } }`);
      expect(refused.errors?.[0]?.extensions?.code, filter).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message, filter).toMatch(message);
    }
  });

  it('7. read models that do not reach waitFor in time answer READ_MODEL_BEHIND, not "Unexpected error."', async () => {
    // The read models are held back (their table locked, as a long migration would) while a
    // command lands: the wait runs out, and says what happened and what to do.
    const lock = await api.db.pool.connect();
    try {
      await lock.query('BEGIN');
      await lock.query(`LOCK TABLE ${api.infrastructure.projections.registry.tables.households} IN EXCLUSIVE MODE`);
      const visit = await ok(clerk, 'RecordVisit', { householdId, effectiveAt: '2016-06-01', data: { notes: '走访' } });
      const read = await query(clerk, 'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { version } }', {
        id: householdId,
        w: visit.position,
      });
      expect(read.errors?.[0]).toMatchObject({
        extensions: { code: 'READ_MODEL_BEHIND', position: visit.position },
      });
      expect(read.errors?.[0]?.message).toMatch(/did not reach .* within 10000 ms .*retry shortly$/);
    } finally {
      await lock.query('ROLLBACK');
      lock.release();
    }
  });

  it('8. tokens must expire; reference data is an admin’s; foreign origins get no CORS; introspection has a depth limit', async () => {
    const forever = await new SignJWT({ role: 'clerk', unit: '城关镇扶贫办', area: TOWNSHIP })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('clerk-zhang')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(new TextEncoder().encode(SECRET));
    const noExp = await post(
      api.url,
      { query: '{ households { totalCount } }' },
      { authorization: `Bearer ${forever}` },
    );
    expect(noExp.status).toBe(401);
    expect(((await noExp.json()) as { error: string }).error).toMatch(/"exp" claim/);

    const countyClerk = await api.client({ sub: 'clerk-county', role: 'clerk', unit: '县扶贫办', area: COUNTY });
    const population = (client: GraphQLClient) =>
      query<{ recordRuralPopulation: { __typename: string } }>(
        client,
        `mutation($c: ID!) { recordRuralPopulation(commandId: $c, input: { areaCode: "${COUNTY}", year: 2019, population: 1, effectiveAt: "2019-12-31" }) { __typename } }`,
        { c: randomUUID() },
      );
    expect((await population(countyClerk)).data.recordRuralPopulation.__typename).toBe('Forbidden');
    expect((await population(await api.client(admin))).data.recordRuralPopulation.__typename).toBe('ReferenceSuccess');

    const foreign = await post(
      api.url,
      { query: '{ households { totalCount } }' },
      { ...auth, origin: 'https://evil.example' },
    );
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await fetch(`${api.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();

    const standard = await post(api.url, { query: getIntrospectionQuery() }, auth);
    expect(((await standard.json()) as GraphqlBody).errors).toBeUndefined();
    let deep = '__typename';
    for (let i = 0; i < 8; i++) deep = `fields { type { ${deep} } }`;
    const tooDeep = await post(api.url, { query: `{ __schema { types { ${deep} } } }` }, auth);
    const tooDeepBody = (await tooDeep.json()) as GraphqlBody;
    expect(tooDeepBody.data ?? null).toBeNull();
    expect(tooDeepBody.errors?.[0]?.message).toMatch(/^Query depth limit of 15 exceeded/);
  });

  it('8. with CORS_ORIGINS set, those origins and only those may call, without credentials', async () => {
    const configured = await startApi('api_cors', { CORS_ORIGINS: 'https://fupin.example.gov.cn' });
    try {
      const headers = { authorization: `Bearer ${await configured.token(townshipClerk)}` };
      const allowed = await post(
        configured.url,
        { query: '{ __typename }' },
        { ...headers, origin: 'https://fupin.example.gov.cn' },
      );
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://fupin.example.gov.cn');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      const other = await post(
        configured.url,
        { query: '{ __typename }' },
        { ...headers, origin: 'https://evil.example' },
      );
      expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    } finally {
      await configured.close();
    }
  });

  it('8. an assessor sees a member’s name masked and only the year of birth', async () => {
    const client = await api.client(assessor);
    const read = await query<{
      household: { members: { name: string; birthDate: string | null; birthYear: number }[] };
    }>(client, 'query($id: ID!) { household(id: $id) { members { name birthDate birthYear } } }', { id: householdId });
    const [member] = read.data.household.members;
    expect(member?.name).toMatch(/^村\*+$/);
    expect(member?.birthDate).toBeNull();
    expect(member?.birthYear).toBe(1970);
  });

  it('10. the same query answers the same bytes every time', async () => {
    const document = `{
      indicators: areaIndicators(areaCode: "${TOWNSHIP}", year: 2016) { year povertyIncidence during { registrations } }
      snapshot: registrySnapshot(areaCode: "${TOWNSHIP}", effectiveOn: "2016-12-31", knownAt: "2026-01-01T00:00:00Z") {
        people byStatus { status households } households rows(first: 5) { edges { node { householdId status } } }
      }
      roll: households(first: 5) { totalCount edges { node { id status history(first: 3) { totalCount edges { node { type } } } } } }
      one: household(id: "${householdId}") { status timeline { event { type } } version }
    }`;
    const answers = new Set<string>();
    for (let i = 0; i < 20; i++) answers.add(await (await post(api.url, { query: document }, auth)).text());
    expect(answers.size).toBe(1);
    const [answer] = [...answers] as [string];
    expect(Object.keys((JSON.parse(answer) as { data: object }).data)).toEqual([
      'indicators',
      'snapshot',
      'roll',
      'one',
    ]);
    expect(answer.indexOf('"people"')).toBeLessThan(answer.indexOf('"byStatus"'));
    expect(answer.indexOf('"byStatus"')).toBeLessThan(answer.indexOf('"households":'));
  });
});
