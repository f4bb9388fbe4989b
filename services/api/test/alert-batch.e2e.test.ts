import { randomUUID } from 'node:crypto';
import { deriveId } from '@registry/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countyClerk,
  evaluator,
  OTHER_VILLAGE,
  ok,
  person,
  query,
  type RunningApi,
  startApi,
  townshipClerk,
  VILLAGE,
} from './harness.js';

const ROLL =
  '户编号,村代码,地址,卡号,建档日期,贫困户属性,主要致贫原因,状态,脱贫年度,脱贫日期,人均纯收入（元）,姓名,身份证号,与户主关系';
const BATCH = '身份证号,预警部门,预警指标,金额（元）,风险类型,风险情况,发现日期';
const OTHER_COUNTY = { sub: 'clerk-sun', role: 'clerk' as const, unit: '邻县扶贫办', area: '320925000000' };

type Outcome = {
  rows: number;
  recorded: number;
  unchanged: number;
  unmatched: number[];
  outside: number[];
  problems: { line: number; column: string; zh: string; en: string }[];
};

describe('a department’s screening (部门筛查预警) uploaded as a batch of alerts', () => {
  let api: RunningApi;
  const tag = randomUUID().slice(0, 6);
  const heads = [person('head'), person('head'), person('head'), person('head')];
  const spouse = person('spouse', 'female', '1972-03-08');
  const stranger = person('head');
  const card = (n: number) => `ALB-${tag}-${n}`;
  const post = async (path: string, body: string, claims = countyClerk) => {
    const response = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token(claims)}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(Buffer.from(`\uFEFF${body}\n`)),
    });
    return { status: response.status, body: (await response.json()) as Outcome };
  };
  const stored = async () =>
    Number((await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]?.n);

  beforeAll(async () => {
    api = await startApi('alert_batch');
    const line = (n: number, village: string, m: { name: string; nationalId: string }, relation: string) =>
      `H${n},${village},${n}号,${card(n)},2016-05-01,一般贫困户,因病,已脱贫,2019,2019-12-31,8000,${m.name},${m.nationalId},${relation}`;
    const ours = [
      ROLL,
      line(0, VILLAGE, heads[0] as never, '户主'),
      line(0, VILLAGE, spouse, '配偶'),
      line(1, OTHER_VILLAGE, heads[1] as never, '户主'),
      line(3, VILLAGE, heads[3] as never, '户主'),
    ];
    expect((await post('/import?name=roll.csv', ours.join('\n'))).status).toBe(200);
    const theirs = [ROLL, line(2, '320925101201', heads[2] as never, '户主')];
    expect((await post('/import?name=roll.csv', theirs.join('\n'), OTHER_COUNTY)).status).toBe(200);
  });
  afterAll(async () => api.close());

  const good = [
    BATCH,
    `${heads[0]?.nationalId},医保部门,个人自付医疗费用,23500.00,因病,年度自付医疗费用超过预警线,2022-03-01`,
    `${spouse.nationalId},民政,临时救助,3000,因病、因意外事故,申请临时救助,2022-03-02`,
    `${heads[1]?.nationalId},住建部门,房屋安全鉴定,,住房出现安全问题,鉴定为C级危房,2022-04-01`,
    `${stranger.nationalId},医保部门,个人自付医疗费用,18000,因病,年度自付医疗费用超过预警线,2022-03-01`,
    `${heads[2]?.nationalId},应急管理部门,灾害损失,50000,因灾,洪涝灾害房屋受损,2022-07-20`,
  ].join('\n');

  it('refuses a bad file whole, naming each row and column in Chinese, and writes nothing', async () => {
    const before = await stored();
    const bad = [
      BATCH,
      `${heads[0]?.nationalId}X,医保部门,个人自付医疗费用,23500,因病,超过预警线,2022-03-01`,
      `${spouse.nationalId},海关,进出口,1.234,因穷,,2099-01-01`,
      // A control character would be refused by the command halfway through: it is caught with the rest.
      `${heads[1]?.nationalId},住建部门,房屋安全鉴定,,住房出现安全问题,C级\u0007危房,2022-04-01`,
    ].join('\n');
    const answer = await post('/alert-batch?name=bad.csv', bad);
    expect(answer.status).toBe(422);
    expect(answer.body.problems.map((p) => [p.line, p.column])).toEqual([
      [2, '身份证号'],
      [3, '预警部门'],
      [3, '金额（元）'],
      [3, '风险类型'],
      [3, '风险情况'],
      [3, '发现日期'],
      [4, '风险情况'],
    ]);
    expect(answer.body.problems[1]?.zh).toContain('不是可选的预警部门');
    expect(answer.body.problems[3]?.zh).toContain('“因穷”不是可选的风险类型');
    expect(answer.body.problems[5]?.zh).toContain('发现日期不能晚于今天');
    expect(await stored()).toBe(before);
  });

  it('refuses the whole file when a rule refuses one row (a date before the regime), naming the row, and writes nothing', async () => {
    const before = await stored();
    const early = good.replace('2022-04-01', '2020-06-01');
    const answer = await post('/alert-batch?name=early.csv', early);
    expect(answer.status).toBe(422);
    expect(answer.body.problems).toHaveLength(1);
    expect(answer.body.problems[0]).toMatchObject({ line: 4, column: '发现日期' });
    expect(answer.body.problems[0]?.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(await stored()).toBe(before);
  });

  it('puts each row on its household’s village queue, reports the unmatched and the other county’s, and writes nothing new the second time', async () => {
    const first = await post('/alert-batch?name=医保2022年第1批.csv', good);
    expect(first).toMatchObject({
      status: 200,
      body: { rows: 5, recorded: 3, unchanged: 0, unmatched: [5], outside: [6], problems: [] },
    });
    const before = await stored();
    const again = await post('/alert-batch?name=医保2022年第1批.csv', good);
    expect(again.body).toMatchObject({ recorded: 0, unchanged: 3, unmatched: [5], outside: [6] });
    expect(await stored()).toBe(before);

    const client = await api.client(townshipClerk);
    const id = deriveId('import', card(0).toUpperCase());
    const alertsOf = async () =>
      (
        await query<{
          household: {
            alerts: {
              channel: string;
              department: string;
              risks: string[];
              raisedOn: string;
              verifyBy: string;
              detail: string;
            }[];
          };
        }>(
          client,
          'query($id: ID!) { household(id: $id) { alerts { channel department risks raisedOn verifyBy detail } } }',
          { id },
        )
      ).data.household.alerts;
    await expect.poll(alertsOf).toHaveLength(2);
    expect(await alertsOf()).toEqual([
      {
        channel: 'department',
        department: 'medical_insurance',
        risks: ['illness'],
        raisedOn: '2022-03-01',
        verifyBy: '2022-03-08',
        detail: '年度自付医疗费用超过预警线',
      },
      {
        channel: 'department',
        department: 'civil_affairs',
        risks: ['illness', 'accident'],
        raisedOn: '2022-03-02',
        verifyBy: '2022-03-09',
        detail: '申请临时救助',
      },
    ]);
    // The alerts can be verified like any other: taken from the queue to the household.
    const alertId = (
      await query<{ household: { alerts: { alertId: string }[] } }>(
        client,
        'query($id: ID!) { household(id: $id) { alerts { alertId } } }',
        { id },
      )
    ).data.household.alerts[0]?.alertId;
    await ok(client, 'VerifyRiskAlert', {
      householdId: id,
      effectiveAt: '2022-03-05',
      data: { alertId, outcome: 'referred', referredTo: '医疗救助' },
    });
  });

  it('reports a row whose household is gone as not on file, and records the others', async () => {
    const county = await api.client(countyClerk);
    const gone = deriveId('import', card(3).toUpperCase());
    await ok(county, 'RecordNaturalDecrease', {
      householdId: gone,
      effectiveAt: '2021-06-01',
      data: { reason: 'died_out' },
    });
    const before = await stored();
    const answer = await post(
      '/alert-batch?name=gone.csv',
      [
        BATCH,
        `${heads[0]?.nationalId},残联,新办残疾证,,因残,新办二级残疾证,2023-05-01`,
        `${heads[3]?.nationalId},医保部门,个人自付医疗费用,9000,因病,超过预警线,2023-05-01`,
      ].join('\n'),
    );
    // A household gone is in no open household any more: unmatched, not refused.
    expect(answer).toMatchObject({ status: 200, body: { recorded: 1, unmatched: [3], problems: [] } });
    expect(await stored()).toBe(before + 1);
  });

  it('is a clerk’s duty', async () => {
    expect((await post('/alert-batch?name=x.csv', good, evaluator)).status).toBe(403);
  });
});
