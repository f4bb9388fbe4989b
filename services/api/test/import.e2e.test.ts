import { randomUUID } from 'node:crypto';
import { claimStream, deriveId } from '@registry/registry';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRoll } from '../src/import/read.js';
import { importRoll } from '../src/import/write.js';
import {
  countyClerk,
  OTHER_VILLAGE,
  person,
  query,
  type RunningApi,
  startApi,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

const HEADERS = [
  '户编号',
  '村代码',
  '地址',
  '卡号',
  '建档日期',
  '贫困户属性',
  '主要致贫原因',
  '状态',
  '脱贫年度',
  '脱贫日期',
  '人均纯收入（元）',
  '姓名',
  '身份证号',
  '与户主关系',
  '健康状况',
];

/** A roll of `n` households: every third exited in 2019 with income above the line. */
function roll(n: number, tag = randomUUID().slice(0, 6)): string[][] {
  const rows: string[][] = [];
  for (let h = 0; h < n; h++) {
    const exited = h % 3 === 2;
    const household = [`H${h}`, VILLAGE, `张庄村${h}号`, `IMP-${tag}-${h}`, '2016-05-01', '一般贫困户', '因病'];
    const status = exited ? ['已脱贫', '2019', '2019-12-31', '7200.50'] : ['建档立卡', '', '', ''];
    rows.push([...household, ...status, `户主${h}`, person('head').nationalId, '户主', '健康']);
    rows.push([...household, ...status, `配偶${h}`, person('spouse', 'female', '1972-03-08').nationalId, '配偶', '']);
  }
  return rows;
}

const csv = (rows: string[][], headers = HEADERS) =>
  Buffer.from(
    `\uFEFF${[headers, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',')).join('\n')}\n`,
  );

async function xlsx(rows: (string | number)[][], headers = HEADERS): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名册');
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('importing an existing roll (CSV and Excel), all or nothing', () => {
  let api: RunningApi;
  let countyToken: string;
  beforeAll(async () => {
    api = await startApi('import');
    countyToken = await api.token(countyClerk);
  });
  afterAll(async () => api.close());

  const stored = async () =>
    Number((await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]?.n);
  const upload = async (body: Buffer, token = countyToken, name = 'roll.csv') => {
    const response = await fetch(`${api.url}/import?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & {
        problems?: { line: number; column: string; zh: string; en: string }[];
      },
    };
  };

  it('imports a good CSV: households registered on their dates, exits on theirs, with their file and rows; again, nothing new', async () => {
    const rows = roll(3);
    const first = await upload(csv(rows));
    expect(first).toMatchObject({ status: 200, body: { households: 3, imported: 3, unchanged: 0, problems: [] } });
    const exitedId = deriveId('import', (rows[4]?.[3] ?? '').toUpperCase());
    const client = await api.client(countyClerk);
    await expect
      .poll(
        async () =>
          (
            await query<{ household: { status: string } | null }>(
              client,
              'query($id: ID!) { household(id: $id) { status } }',
              { id: exitedId },
            )
          ).data.household?.status,
      )
      .toBe('exited');
    const { data } = await query<{
      household: {
        cardNumber: string;
        memberCount: number;
        exits: { year: number; exitedOn: string }[];
        history: { edges: { node: { type: string; effectiveAt: string; data: { source?: { rows: number[] } } } }[] };
      };
    }>(
      client,
      'query($id: ID!) { household(id: $id) { cardNumber memberCount exits { year exitedOn } history(first: 10) { edges { node { type effectiveAt data } } } } }',
      { id: exitedId },
    );
    expect(data.household).toMatchObject({
      cardNumber: rows[4]?.[3],
      memberCount: 2,
      exits: [{ year: 2019, exitedOn: '2019-12-31' }],
    });
    expect(
      data.household.history.edges.map((e) => [e.node.type, e.node.effectiveAt, e.node.data.source?.rows]),
    ).toEqual([
      ['HouseholdImported', '2016-05-01', [6, 7]],
      ['ExitImported', '2019-12-31', [6, 7]],
    ]);
    const before = await stored();
    const again = await upload(csv(rows));
    expect(again).toMatchObject({ status: 200, body: { imported: 0, unchanged: 3, events: 0 } });
    expect(await stored()).toBe(before);
  });

  it('refuses a bad file with every row, column and rule, in Chinese and English, and writes nothing', async () => {
    const rows = roll(4);
    (rows[1] as string[])[12] =
      `${(rows[1]?.[12] ?? '').slice(0, 17)}${(rows[1]?.[12] ?? '').endsWith('1') ? '2' : '1'}`; // wrong check character
    (rows[3] as string[])[12] = rows[2]?.[12] ?? ''; // the same person twice
    (rows[3] as string[])[2] = '别的地址'; // a household's rows disagree
    (rows[4] as string[])[10] = '3000'; // an exit below the 2019 line (both rows of the household)
    (rows[5] as string[])[10] = '3000';
    (rows[6] as string[])[1] = OTHER_VILLAGE; // rows 8 and 9: one household's rows name two villages
    (rows[7] as string[])[6] = '天灾'; // not a cause
    const before = await stored();
    const { status, body } = await upload(csv(rows));
    expect(status).toBe(422);
    expect(await stored()).toBe(before);
    const at = (line: number, column: string) => body.problems?.find((p) => p.line === line && p.column === column);
    expect(at(3, '身份证号')?.zh).toMatch(/^校验码不对：应为 [0-9X]$/);
    expect(at(5, '身份证号')).toMatchObject({
      zh: '与第 4 行重复（一人只能在一户）',
      en: 'also on row 4 (one person, one household)',
    });
    expect(at(5, '地址')?.zh).toBe('与同户第 4 行不一致');
    expect(at(6, '人均纯收入（元）')?.zh).toBe('人均纯收入未高于当年脱贫标准，不能按已脱贫导入');
    expect(at(9, '村代码')?.zh).toBe('与同户第 8 行不一致');
    expect(at(9, '主要致贫原因')).toMatchObject({ zh: '“天灾”不是可选的值' });
  });

  it('names an exit year that is no number and an exit date after today at their columns, writing nothing', async () => {
    const rows = roll(3);
    for (const r of [rows[4], rows[5]] as string[][]) {
      r[8] = '二〇一九';
      r[9] = '2099-12-31';
    }
    const before = await stored();
    const { status, body } = await upload(csv(rows));
    expect(status).toBe(422);
    expect(await stored()).toBe(before);
    expect(body.problems?.map((p) => [p.line, p.column])).toEqual(
      expect.arrayContaining([
        [6, '脱贫年度'],
        [6, '脱贫日期'],
      ]),
    );
  });

  it('refuses a person or a card the registry already has in another open household, naming the row', async () => {
    const shared = person('head');
    const village = await api.client(villageClerk);
    const applied = await village.request<{ applyForRegistration: { __typename: string } }>(
      `mutation($c: ID!, $i: ApplyForRegistrationInput!) { applyForRegistration(commandId: $c, input: $i) { __typename } }`,
      {
        c: randomUUID(),
        i: {
          householdId: randomUUID(),
          effectiveAt: '2016-03-01',
          data: { household: { villageCode: VILLAGE, address: '1号' }, members: [shared] },
        },
      },
    );
    expect(applied.applyForRegistration.__typename).toBe('CommandSuccess');
    const rows = roll(1);
    (rows[1] as string[])[12] = shared.nationalId;
    (rows[1] as string[])[11] = shared.name;
    const before = await stored();
    const { status, body } = await upload(csv(rows));
    expect(status).toBe(422);
    expect(body.problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: '身份证号',
        zh: expect.stringContaining('该身份证号已在系统中另一未销户的户中（卡号 未建档，所在村'),
      }),
    ]);
    expect(await stored()).toBe(before);
  });

  it('imports an Excel workbook the same way, and refuses an ID number stored as a number', async () => {
    const rows = roll(2);
    expect((await upload(await xlsx(rows), countyToken, 'roll.xlsx')).body).toMatchObject({
      imported: 2,
      problems: [],
    });
    const numeric = roll(1).map((r) => r.map((c, i) => (i === 12 ? Number(c.slice(0, 17)) * 10 : c)));
    const { status, body } = await upload(await xlsx(numeric), countyToken, 'numbers.xlsx');
    expect(status).toBe(422);
    expect(body.problems?.[0]).toMatchObject({ line: 2, column: '身份证号' });
  });

  it('refuses a file name it could not store (a control character) before reading the file, writing nothing', async () => {
    const before = (await api.infrastructure.eventStore.readAll()).length;
    const { status, body } = await upload(csv(roll(2)), countyToken, 'roll\u0007.csv');
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'BAD_REQUEST', zh: '文件名含有无法保存的字符或过长' });
    expect(String(body.en)).toMatch(/^name: /);
    expect((await api.infrastructure.eventStore.readAll()).length).toBe(before);
  });

  it('is a county clerk’s duty: a township clerk is refused', async () => {
    const { status, body } = await upload(csv(roll(1)), await api.token(townshipClerk));
    expect(status).toBe(403);
    expect(body.zh).toContain('县级');
  });

  it('imports on a store without multi-stream appends (EventStoreDB) stream by stream; a write cut off part way is completed by importing again', async () => {
    const store = api.infrastructure.eventStore;
    const esdbLike: typeof store = Object.create(store);
    Object.defineProperty(esdbLike, 'appendMany', { value: undefined });
    let appends = 0;
    esdbLike.append = async (stream, events, options) => {
      // Cut off in the second household, between its claims (two ID numbers and a card each).
      if (++appends === 6) throw new Error('connection lost');
      return store.append(stream, events, options);
    };
    const rows = roll(3);
    const file = await readRoll('esdb.csv', csv(rows));
    const options = {
      policy: await api.infrastructure.policies.timeline(),
      actor: { id: 'import-esdb', role: 'system' as const, unit: 't' },
      canSee: () => true,
      now: new Date(),
    };
    await expect(importRoll(esdbLike, file, options)).rejects.toThrow('connection lost');
    const again = await importRoll(esdbLike, file, options);
    expect(again).toMatchObject({ households: 3, imported: 2, unchanged: 1, problems: [] });
    expect(await importRoll(esdbLike, file, options)).toMatchObject({ imported: 0, unchanged: 3, events: 0 });
    // Every household holds its numbers, each claimed once.
    for (let h = 0; h < 3; h++) {
      const householdId = deriveId('import', (rows[2 * h]?.[3] ?? '').toUpperCase());
      for (const value of [rows[2 * h]?.[12], rows[2 * h + 1]?.[12]]) {
        const claims = await store.readStream(claimStream('person', value ?? ''));
        expect(claims.map((e) => [e.type, (e.data as { householdId: string }).householdId])).toEqual([
          ['KeyClaimed', householdId],
        ]);
      }
    }
  });

  it('writes all of a file’s households or none, whatever is wrong with it (property)', async () => {
    const store = api.infrastructure.eventStore;
    const policy = await api.infrastructure.policies.timeline();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(5),
        fc.nat(12),
        fc.constantFrom('', 'x', '2099-01-01', '0', '因病'),
        async (row, column, value) => {
          const rows = roll(3);
          if (row < rows.length) (rows[row] as string[])[column] = value;
          const file = await readRoll('property.csv', csv(rows));
          const before = await stored();
          const outcome = await importRoll(store, file, {
            policy,
            actor: { id: 'p', role: 'system', unit: 't' },
            canSee: () => true,
            now: new Date(),
          });
          const written = (await stored()) - before;
          if (outcome.problems.length > 0) expect(written).toBe(0);
          else expect(written).toBe(outcome.events);
          expect(outcome.problems.length > 0 || outcome.imported === 3).toBe(true);
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });
});
