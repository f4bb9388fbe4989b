import { randomUUID } from 'node:crypto';
import { verifyReads } from '@registry/eventstore/log';
import type { GraphQLClient } from 'graphql-request';
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  assessor,
  monitoredHousehold,
  query,
  type RunningApi,
  startApi,
  TOWNSHIP,
  townshipClerk,
} from './harness.js';

type Read = {
  seq: number;
  actorId: string;
  actorRole: string;
  actorUnit: string;
  operation: string;
  purpose: string | null;
  households: string[];
  fields: string[];
};
const READS = `query($f: ReadAccessFilter) { readAccess(filter: $f, first: 20) { totalCount edges { node {
  seq actorId actorRole actorUnit operation purpose households fields } } } }`;
const HOUSEHOLD = `query($id: ID!) { household(id: $id) { id members { name nationalId birthDate } phone } }`;
const TODAY = new Date().toISOString().slice(0, 10);

/**
 * Reads of personal data (个人信息保护法 art. 51, 55): each answer that carries names, ID
 * numbers, dates of birth, phones or accounts unmasked is recorded before it is sent, with the
 * purpose a bulk read states; what cannot be recorded is refused; admins read the record.
 */
describe('the record of reads of personal data', () => {
  let api: RunningApi;
  let clerk: GraphQLClient;
  let assess: GraphQLClient;
  let adminClient: GraphQLClient;
  const householdId = randomUUID();

  const readsOf = async (filter: Record<string, unknown>) => {
    const { data, errors } = await query<{ readAccess: { totalCount: number; edges: { node: Read }[] } }>(
      adminClient,
      READS,
      { f: filter },
    );
    expect(errors).toBeUndefined();
    return data.readAccess;
  };

  beforeAll(async () => {
    api = await startApi('api_reads');
    clerk = await api.client(townshipClerk);
    assess = await api.client(assessor);
    adminClient = await api.client(admin);
    const result = await monitoredHousehold(clerk, householdId);
    await api.infrastructure.waitForRegistry(result.position as string);
  });
  afterAll(async () => api?.close());

  it('records a clerk’s read of a household’s members: who, what, which fields, how', async () => {
    const { data } = await query<{ household: { members: { nationalId: string }[] } }>(clerk, HOUSEHOLD, {
      id: householdId,
    });
    expect(data.household.members[0]?.nationalId).toMatch(/^\d{17}[\dX]$/);
    const reads = await readsOf({ householdId });
    expect(reads.totalCount).toBe(1);
    expect(reads.edges[0]?.node).toMatchObject({
      actorId: 'clerk-zhang',
      actorRole: 'clerk',
      actorUnit: '城关镇扶贫办',
      operation: 'query household',
      purpose: null,
      households: [householdId],
      fields: ['birthDate', 'name', 'nationalId'],
    });
  });

  it('records nothing for an assessor (who sees it masked) nor for an answer without personal data', async () => {
    const masked = await query<{ household: { members: { nationalId: string }[] } }>(assess, HOUSEHOLD, {
      id: householdId,
    });
    expect(masked.data.household.members[0]?.nationalId).toContain('*');
    await query(clerk, `query($id: ID!) { household(id: $id) { id status members { sex } } }`, { id: householdId });
    expect((await readsOf({ householdId })).totalCount).toBe(1);
  });

  it('asks a bulk read for its purpose, refusing it by name without one, and records it with one', async () => {
    const rows = `rows(first: 10) { edges { node { householdId headName headNationalId } } }`;
    const refused = await query(
      clerk,
      `query($a: AreaCode!, $d: Date!) { registrySnapshot(areaCode: $a, effectiveOn: $d) { households ${rows} } }`,
      { a: TOWNSHIP, d: TODAY },
    );
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.issues).toEqual([
      { path: 'purpose', message: expect.stringMatching(/^required for a bulk read of personal data/) },
    ]);
    expect(refused.errors?.[0]?.extensions?.localizedMessage).toMatch(/查询用途：批量查询、导出个人信息须说明用途/);
    // Totals carry no one's data: no purpose needed, nothing recorded.
    const totals = await query<{ registrySnapshot: { households: number } }>(
      clerk,
      `query($a: AreaCode!, $d: Date!) { registrySnapshot(areaCode: $a, effectiveOn: $d) { households } }`,
      { a: TOWNSHIP, d: TODAY },
    );
    expect(totals.data.registrySnapshot.households).toBe(1);
    const stated = await query(
      clerk,
      `query($a: AreaCode!, $d: Date!) { registrySnapshot(areaCode: $a, effectiveOn: $d, purpose: "年度动态调整核对") { ${rows} } }`,
      { a: TOWNSHIP, d: TODAY },
    );
    expect(stated.errors).toBeUndefined();
    const reads = await readsOf({ householdId, actorId: 'clerk-zhang' });
    expect(reads.totalCount).toBe(2);
    expect(reads.edges[0]?.node).toMatchObject({
      operation: 'query registrySnapshot',
      purpose: '年度动态调整核对',
      fields: ['name', 'nationalId'],
    });
  });

  it('asks an export for its purpose too, and records the households the file carries before sending it', async () => {
    const token = await api.token(townshipClerk);
    const url = (extra: string) => `${api.url}/export/snapshot?areaCode=${TOWNSHIP}&effectiveOn=${TODAY}${extra}`;
    const refused = await fetch(url(''), { headers: { authorization: `Bearer ${token}`, 'accept-language': 'zh-CN' } });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: string; localizedMessage: string };
    expect(body.error).toMatch(/^purpose: required for a bulk read/);
    expect(body.localizedMessage).toMatch(/查询用途/);
    const file = await fetch(url(`&purpose=${encodeURIComponent('报送县扶贫办')}`), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(file.status).toBe(200);
    expect(await file.text()).toContain(householdId);
    const [latest] = (await readsOf({ householdId })).edges;
    expect(latest?.node).toMatchObject({
      operation: `GET /export/snapshot ${TOWNSHIP} csv`,
      purpose: '报送县扶贫办',
      households: [householdId],
    });
  });

  it('records each event a subscription sends with personal data, before sending it', async () => {
    const sse = createClient({
      url: `${api.url}/graphql`,
      headers: { authorization: `Bearer ${await api.token(townshipClerk)}` },
    });
    const events = sse.iterate<{ householdEvents: { householdId: string; data: unknown } }>({
      query: 'subscription($a: AreaCode!) { householdEvents(areaCode: $a) { householdId data } }',
      variables: { a: TOWNSHIP },
    });
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const another = randomUUID();
    await monitoredHousehold(clerk, another, '2020-03-01', '张庄村2号');
    const received = await first;
    expect(received.value.data?.householdEvents.householdId).toBe(another);
    await events.return?.();
    sse.dispose();
    const reads = await readsOf({ householdId: another, actorId: 'clerk-zhang' });
    expect(reads.edges.map((e) => e.node.operation)).toContain('subscription householdEvents');
  });

  it('refuses an answer whose read cannot be recorded, and serves it again once it can', async () => {
    await api.db.pool.query('ALTER TABLE read_records RENAME TO read_records_away');
    try {
      const refused = await query(clerk, HOUSEHOLD, { id: householdId });
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions?.code).toBe('READ_NOT_RECORDED');
      expect(refused.errors?.[0]?.extensions?.localizedMessage).toMatch(/未能留痕/);
    } finally {
      await api.db.pool.query('ALTER TABLE read_records_away RENAME TO read_records');
    }
    const served = await query<{ household: { id: string } }>(clerk, HOUSEHOLD, { id: householdId });
    expect(served.data.household.id).toBe(householdId);
  });

  it('lets admins alone read the record, and flags a reader far above their usual', async () => {
    const refused = await query(clerk, READS, { f: {} });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Someone reading 150 households in a day with no history of reading at all.
    await api.infrastructure.reads.record({
      actor: 'clerk-bulk',
      role: 'clerk',
      unit: '城关镇扶贫办',
      scope: TOWNSHIP,
      operation: 'query households',
      purpose: null,
      households: Array.from({ length: 150 }, () => randomUUID()),
      fields: ['name'],
    });
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const { data } = await query<{
      readVolumes: { actorId: string; households: number; usual: number; flagged: boolean }[];
    }>(
      adminClient,
      'query($f: DateTime!, $t: DateTime!) { readVolumes(from: $f, to: $t) { actorId households usual flagged } }',
      {
        f: from,
        t: to,
      },
    );
    expect(data.readVolumes[0]).toEqual({ actorId: 'clerk-bulk', households: 150, usual: 0, flagged: true });
    expect(data.readVolumes.find((v) => v.actorId === 'clerk-zhang')).toMatchObject({ households: 2, flagged: false });
    const backwards = await query(adminClient, 'query($f: DateTime!) { readVolumes(from: $f, to: $f) { actorId } }', {
      f: from,
    });
    expect(backwards.errors?.[0]?.extensions?.localizedMessage).toMatch(/须晚于开始时间/);
  });

  it('exports the record for admins, filtered as the query is, with Chinese headers', async () => {
    const get = async (claims: typeof admin, search: string) =>
      fetch(`${api.url}/export/reads?${search}`, { headers: { authorization: `Bearer ${await api.token(claims)}` } });
    const csv = await get(admin, `format=csv&householdId=${householdId}`);
    expect(csv.status).toBe(200);
    const [header, ...rows] = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(header).toBe('序号,查询时间,查询人,角色,单位,权限范围,操作,用途,户数,字段,户ID,记录哈希');
    expect(rows.length).toBe((await readsOf({ householdId })).totalCount);
    expect(rows[0]).toMatch(
      /,clerk-zhang,clerk,城关镇扶贫办,320924101000,query household,,1,出生日期、姓名、身份证号,/,
    );
    const xlsx = await get(admin, 'actorId=clerk-zhang');
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect((await get(townshipClerk, 'format=csv')).status).toBe(403);
    const bad = await get(admin, 'from=yesterday');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^from: must be an ISO 8601 instant/);
  });

  it('keeps the record chained and signed with the log: it verifies', async () => {
    await api.infrastructure.log.signNow();
    const report = await verifyReads(api.db.pool, api.infrastructure.log.publicKey);
    expect(report.difference).toBeUndefined();
    expect(report.records).toBeGreaterThanOrEqual(5);
    expect(report.unsigned).toBe(0);
  });
});
