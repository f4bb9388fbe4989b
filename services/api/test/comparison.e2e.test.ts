import { randomUUID } from 'node:crypto';
import { deriveId } from '@registry/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countyClerk,
  OTHER_VILLAGE,
  person,
  query,
  type RunningApi,
  startApi,
  townshipClerk,
  VILLAGE,
} from './harness.js';

const ROLL =
  '户编号,村代码,地址,卡号,建档日期,贫困户属性,主要致贫原因,状态,脱贫年度,脱贫日期,人均纯收入（元）,姓名,身份证号,与户主关系';
const BATCH = '身份证号,比对部门,比对结果,是否不符合条件';
const OTHER_COUNTY = { sub: 'clerk-sun', role: 'clerk' as const, unit: '邻县扶贫办', area: '320925000000' };

describe('agency comparison batches (数据比对) through HTTP', () => {
  let api: RunningApi;
  const tag = randomUUID().slice(0, 6);
  const heads = [person('head'), person('head'), person('head')];
  const spouse = person('spouse', 'female', '1972-03-08');
  const card = (n: number) => `CMP-${tag}-${n}`;
  const post = async (path: string, body: string, claims = countyClerk) => {
    const response = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token(claims)}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(Buffer.from(`\uFEFF${body}\n`)),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const stored = async () =>
    Number((await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]?.n);

  beforeAll(async () => {
    api = await startApi('comparison');
    const line = (n: number, village: string, m: { name: string; nationalId: string }, relation: string) =>
      `H${n},${village},${n}号,${card(n)},2016-05-01,一般贫困户,因病,建档立卡,,,,${m.name},${m.nationalId},${relation}`;
    const ours = [
      ROLL,
      line(0, VILLAGE, heads[0] as never, '户主'),
      line(0, VILLAGE, spouse, '配偶'),
      line(1, OTHER_VILLAGE, heads[1] as never, '户主'),
    ];
    expect((await post('/import?name=roll.csv', ours.join('\n'))).status).toBe(200);
    const theirs = [ROLL, line(2, '320925101201', heads[2] as never, '户主')];
    expect((await post('/import?name=roll.csv', theirs.join('\n'), OTHER_COUNTY)).status).toBe(200);
  });
  afterAll(async () => api.close());

  const stranger = person('head');
  const batch = [
    BATCH,
    `${heads[0]?.nationalId},车辆登记,户主名下登记小型轿车一辆,是`,
    `${spouse.nationalId},不动产登记,城区住房一套（已出售）,否`,
    `${stranger.nationalId},工商登记,个体工商户,是`,
    `${heads[2]?.nationalId},财政供养人员,县教育局在编,是`,
  ].join('\n');

  const good = () => batch;

  it('refuses a bad file whole, naming each row and column in Chinese and English, and writes nothing', async () => {
    const before = await stored();
    const bad = [
      BATCH,
      `${heads[0]?.nationalId}X,车辆登记,轿车,是`,
      `${spouse.nationalId},海关,进出口,也许`,
      // A control character would be refused by the command halfway through: it is caught with the rest.
      `${heads[1]?.nationalId},车辆登记,轿车\u0007一辆,是`,
    ].join('\n');
    const answer = await post('/comparison?name=bad.csv', bad);
    expect(answer.status).toBe(422);
    const problems = answer.body.problems as { line: number; column: string; zh: string }[];
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [2, '身份证号'],
      [3, '比对部门'],
      [3, '是否不符合条件'],
      [4, '比对结果'],
    ]);
    expect(problems[1]?.zh).toContain('不是可选的比对部门');
    expect(await stored()).toBe(before);
  });

  it('records each match on the open household that holds the ID number, reports the rest, and writes nothing new the second time', async () => {
    const first = await post('/comparison?name=车辆比对.csv', good());
    expect(first).toMatchObject({
      status: 200,
      body: { rows: 4, recorded: 2, unchanged: 0, disqualifying: 1, unmatched: [4], outside: [5], problems: [] },
    });
    const again = await post('/comparison?name=车辆比对.csv', good());
    expect(again.body).toMatchObject({ recorded: 0, unchanged: 2 });
    const client = await api.client(countyClerk);
    const id = deriveId('import', card(0).toUpperCase());
    await expect
      .poll(async () => {
        const { data } = await query<{
          comparisonReviewList: { householdId: string; agency: string; fileName: string }[];
        }>(
          client,
          '{ comparisonReviewList(areaCode: "320924000000") { householdId agency detail fileName cardNumber status } }',
        );
        return data.comparisonReviewList;
      })
      .toMatchObject([{ householdId: id, agency: 'vehicles', fileName: '车辆比对.csv' }]);
    const { data } = await query<{
      household: { history: { edges: { node: { type: string; data: { source: { rows: number[] } } } }[] } };
    }>(client, 'query($id: ID!) { household(id: $id) { history(first: 10) { edges { node { type data } } } } }', {
      id,
    });
    expect(data.household.history.edges.map((e) => e.node.type)).toContain('AgencyFindingRecorded');
  });

  it('is the county’s duty', async () => {
    expect((await post('/comparison?name=x.csv', good(), townshipClerk)).status).toBe(403);
  });
});
