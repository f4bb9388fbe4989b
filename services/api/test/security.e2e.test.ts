import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-sse';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER } from '../src/auth.js';
import {
  admin,
  assessor,
  person,
  type RunningApi,
  SECRET,
  startApi,
  TOWNSHIP,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('security and limits of the HTTP API', () => {
  let api: RunningApi;
  let clerkAuth: Record<string, string>;
  let villageAuth: Record<string, string>;
  beforeAll(async () => {
    api = await startApi('api_security');
    clerkAuth = { authorization: `Bearer ${await api.token(townshipClerk)}` };
    villageAuth = { authorization: `Bearer ${await api.token(villageClerk)}` };
  });
  afterAll(async () => {
    await api?.close();
  });

  it('unauthenticated requests get nothing but health', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const none = await post(api.url, { query: '{ households { totalCount } }' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'an Authorization: Bearer <token> header is required' });
    const forged = await new SignJWT({ role: 'admin', unit: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some-other-secret-that-is-long-enough'));
    const bad = await post(api.url, { query: '{ households { totalCount } }' }, { authorization: `Bearer ${forged}` });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^the token does not verify/);
    const expired = await new SignJWT({ role: 'admin', unit: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(
      (await post(api.url, { query: '{ households { totalCount } }' }, { authorization: `Bearer ${expired}` })).status,
    ).toBe(401);
    const scopeless = await api.token({ sub: 'c', role: 'clerk', unit: 'u' });
    const noArea = await post(
      api.url,
      { query: '{ households { totalCount } }' },
      { authorization: `Bearer ${scopeless}` },
    );
    expect(noArea.status).toBe(401);
    expect(await noArea.json()).toEqual({ error: 'a clerk token must name its area' });
    expect((await fetch(`${api.url}/export/snapshot?areaCode=${TOWNSHIP}&effectiveOn=2020-01-01`)).status).toBe(401);
  });

  it('serves the GraphiQL page to browsers; its queries still need the token', async () => {
    const page = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Poverty alleviation registry');
  });

  it('refuses a body over the size limit and a query over the complexity limit, writing nothing', async () => {
    const big = await post(
      api.url,
      { query: `{ households { totalCount } }`, variables: { pad: 'x'.repeat(300_000) } },
      clerkAuth,
    );
    expect(big.status).toBe(413);
    const heavy = await post(
      api.url,
      { query: '{ households(first: 500) { edges { node { history(first: 500) { edges { node { data } } } } } } }' },
      clerkAuth,
    );
    const body = (await heavy.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/complexity/i);
  });

  it('a bad scalar is named with its rule before anything runs', async () => {
    const response = await post(
      api.url,
      {
        query: 'query($d: Date!) { registrySnapshot(areaCode: "320924101000", effectiveOn: $d) { households } }',
        variables: { d: '2019-02-30' },
      },
      clerkAuth,
    );
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toContain('Date "2019-02-30": must be a date that exists in the calendar');
  });

  it('introspection can be switched off', async () => {
    const open = await post(api.url, { query: '{ __schema { queryType { name } } }' }, clerkAuth);
    expect(await open.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    const closed = await startApi('api_nointrospection', { GRAPHQL_INTROSPECTION: 'false' });
    try {
      const refused = await post(
        closed.url,
        { query: '{ __schema { queryType { name } } }' },
        {
          authorization: `Bearer ${await closed.token(admin)}`,
        },
      );
      const body = (await refused.json()) as { errors: { message: string }[] };
      expect(body.errors[0]?.message).toMatch(/introspection/i);
    } finally {
      await closed.close();
    }
  });

  it('an area subscription over SSE delivers new events of its households only, masked for assessors', async () => {
    const sse = createClient({
      url: `${api.url}/graphql`,
      headers: { authorization: `Bearer ${await api.token(assessor)}` },
    });
    const events = sse.iterate<{
      householdEvents: { type: string; householdId: string; data: { members?: { nationalId: string }[] } };
    }>({
      query: 'subscription($a: AreaCode!) { householdEvents(areaCode: $a) { type householdId data } }',
      variables: { a: TOWNSHIP },
    });
    const first = events.next();
    // Give the subscription time to open before writing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const householdId = randomUUID();
    const head = person('head');
    const response = await post(
      api.url,
      {
        query: `mutation($c: ID!, $i: ApplyForRegistrationInput!) { applyForRegistration(commandId: $c, input: $i) { __typename } }`,
        variables: {
          c: randomUUID(),
          i: {
            householdId,
            effectiveAt: '2016-01-05',
            data: { household: { villageCode: VILLAGE, address: '李庄3号' }, members: [head] },
          },
        },
      },
      villageAuth,
    );
    expect(await response.json()).toEqual({ data: { applyForRegistration: { __typename: 'CommandSuccess' } } });
    const received = await first;
    expect(received.value.data?.householdEvents).toMatchObject({ type: 'ApplicationSubmitted', householdId });
    expect(JSON.stringify(received.value)).not.toContain(head.nationalId);
    await events.return?.();
    sse.dispose();
  });

  it('a feed client that reconnects with the position of the last event it received misses and repeats nothing', async () => {
    const sse = createClient({ url: `${api.url}/graphql`, headers: clerkAuth, retryAttempts: 0 });
    type Received = { householdEvents: { type: string; householdId: string; position: string } };
    const subscribe = (after?: string) =>
      sse.iterate<Received>({
        query:
          'subscription($a: AreaCode!, $after: Position) { householdEvents(areaCode: $a, after: $after) { type householdId position } }',
        variables: { a: TOWNSHIP, ...(after ? { after } : {}) },
      });
    const mutate = (field: string, type: string, input: unknown) =>
      post(
        api.url,
        {
          query: `mutation($c: ID!, $i: ${type}Input!) { ${field}(commandId: $c, input: $i) { __typename } }`,
          variables: { c: randomUUID(), i: input },
        },
        villageAuth,
      ).then((r) => r.json());
    const householdId = randomUUID();
    const first = subscribe();
    const received = first.next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await mutate('applyForRegistration', 'ApplyForRegistration', {
      householdId,
      effectiveAt: '2016-01-05',
      data: { household: { villageCode: VILLAGE, address: '王庄1号' }, members: [person('head')] },
    });
    const last = (await received).value.data?.householdEvents as Received['householdEvents'];
    expect(last).toMatchObject({ type: 'ApplicationSubmitted', householdId });
    await first.return?.();

    // Disconnected: the village reviews, a notice opens.
    await mutate('recordVillageReview', 'RecordVillageReview', {
      householdId,
      effectiveAt: '2016-01-10',
      data: { approved: true },
    });
    await mutate('openPublicNotice', 'OpenPublicNotice', { householdId, effectiveAt: '2016-01-11' });

    const again = subscribe(last.position);
    const missed = [(await again.next()).value.data?.householdEvents, (await again.next()).value.data?.householdEvents];
    expect(missed.map((e) => e?.type)).toEqual(['VillageReviewRecorded', 'PublicNoticeOpened']);
    expect(missed.every((e) => e && e.position > last.position)).toBe(true);
    await again.return?.();

    const made = sse.iterate({
      query:
        'subscription { householdEvents(areaCode: "320924101000", after: "7fffffffffffffff-0000000000000000") { type } }',
    });
    expect((await made.next()).value).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    sse.dispose();
  });
});
