import { createHash, randomUUID } from 'node:crypto';
import { verifyInclusion } from '@registry/eventstore/log';
import { deriveId } from '@registry/registry';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '../src/mask.js';
import {
  admin,
  assessor,
  COUNTY,
  countyClerk,
  OTHER_VILLAGE,
  ok,
  otherClerk,
  person,
  query,
  type RunningApi,
  startApi,
  VILLAGE,
  villageClerk,
} from './harness.js';

const SEED = 'assessment-seed-2020-01-sealed-envelope';
const COMMITMENT = createHash('sha256').update(SEED).digest('hex');
const ALL_MET = {
  food: true,
  clothing: true,
  compulsoryEducation: true,
  basicMedical: true,
  safeHousing: true,
  safeDrinkingWater: true,
};

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
];

/**
 * The hand-built county: in 张庄村 (a poor village) 3 exited and 3 registered households, in
 * the other village 2 and 2; every household two people. Exits took effect 2019-12-31.
 */
function roll(tag: string): { csv: Buffer; cards: { card: string; village: string; exited: boolean }[] } {
  const rows: string[][] = [];
  const cards: { card: string; village: string; exited: boolean }[] = [];
  const add = (village: string, exited: boolean) => {
    const n = cards.length;
    const card = `TPA-${tag}-${n}`;
    cards.push({ card, village, exited });
    const household = [`H${n}`, village, `${n}号`, card, '2016-05-01', '一般贫困户', '因病'];
    const status = exited ? ['已脱贫', '2019', '2019-12-31', '7200.50'] : ['建档立卡', '', '', ''];
    rows.push([...household, ...status, `户主${n}`, person('head').nationalId, '户主']);
    rows.push([...household, ...status, `配偶${n}`, person('spouse', 'female', '1972-03-08').nationalId, '配偶']);
  };
  for (let i = 0; i < 3; i++) add(VILLAGE, true);
  for (let i = 0; i < 3; i++) add(VILLAGE, false);
  for (let i = 0; i < 2; i++) add(OTHER_VILLAGE, true);
  for (let i = 0; i < 2; i++) add(OTHER_VILLAGE, false);
  const text = [HEADERS, ...rows].map((r) => r.join(',')).join('\n');
  return { csv: Buffer.from(`\uFEFF${text}\n`), cards };
}

const rank = (scope: string, id: string) => createHash('sha256').update(`${SEED}\n${scope}\n${id}`).digest('hex');

const RATE = 'value low high numerator denominator threshold meets certain';
const ASSESSMENT = `query($id: ID!, $asOf: DateTime) {
  thirdPartyAssessment(assessmentId: $id, asOf: $asOf) {
    assessmentId asOf knownAt cutoff
    sample { seed frameDigest villages { villageCode stratum ruralPopulation cardedPeople }
             households { householdId villageCode stratum people cardNumber headName surveyed } }
    findings { householdId label headName headNationalId verdict people approves }
    results { sampled surveyed outside missingFindings recommendation
              incidence { ${RATE} } wrongExit { ${RATE} } omission { ${RATE} }
              wrongInclusion { ${RATE} } approval { ${RATE} } }
    byVillage { areaCode sampled surveyed wrongExit { value } omission { value } }
    byTownship { areaCode villages }
  }
}`;

type Rate = {
  value: number | null;
  low: number | null;
  high: number | null;
  numerator: number;
  denominator: number | null;
  meets: boolean | null;
};
interface AssessmentAnswer {
  assessmentId: string;
  asOf: string;
  sample: {
    seed: string;
    frameDigest: string;
    villages: { villageCode: string; stratum: string; ruralPopulation: number; cardedPeople: number }[];
    households: {
      householdId: string;
      villageCode: string;
      stratum: string;
      people: number;
      cardNumber: string;
      headName: string;
      surveyed: boolean;
    }[];
  } | null;
  findings: {
    householdId: string | null;
    label: string | null;
    headName: string | null;
    headNationalId: string | null;
    verdict: string;
  }[];
  results: {
    sampled: number;
    surveyed: number;
    outside: number;
    missingFindings: number;
    recommendation: string;
    incidence: Rate;
    wrongExit: Rate;
    omission: Rate;
    wrongInclusion: Rate;
    approval: Rate;
  };
  byVillage: {
    areaCode: string;
    sampled: number;
    surveyed: number;
    wrongExit: { value: number | null };
    omission: { value: number | null };
  }[];
  byTownship: { areaCode: string; villages: number }[];
}

const SUCCESS = `__typename ... on AssessmentSuccess { assessmentId revision position duplicate }
  ... on Problem { message localizedMessage } ... on RuleViolation { rule facts } ... on ValidationError { issues { path message } }`;

async function mutate(
  client: GraphQLClient,
  field: string,
  inputType: string,
  input: unknown,
  commandId = randomUUID(),
) {
  const response = await client.rawRequest<Record<string, Record<string, unknown>>>(
    `mutation($c: ID!, $i: ${inputType}!) { ${field}(commandId: $c, input: $i) { ${SUCCESS} } }`,
    { c: commandId, i: input },
  );
  if (response.errors?.length) return { __typename: 'Error', errors: response.errors } as Record<string, unknown>;
  return response.data[field] as Record<string, unknown>;
}

describe('third-party assessment through the API, end to end', () => {
  let api: RunningApi;
  let assessing: GraphQLClient;
  let county: GraphQLClient;
  let cards: ReturnType<typeof roll>['cards'];
  const assessmentId = randomUUID();
  beforeAll(async () => {
    api = await startApi('assessment');
    assessing = await api.client(assessor);
    county = await api.client(countyClerk);
    const built = roll(randomUUID().slice(0, 6));
    cards = built.cards;
    const response = await fetch(`${api.url}/import?name=roll.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token(countyClerk)}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(built.csv),
    });
    expect(response.status).toBe(200);
    const provincial = await api.client(admin);
    for (const [areaCode, population] of [
      [COUNTY, 1000],
      [VILLAGE, 200],
      [OTHER_VILLAGE, 100],
    ] as const) {
      const recorded = await provincial.rawRequest(
        `mutation($c: ID!, $i: RecordRuralPopulationInput!) { recordRuralPopulation(commandId: $c, input: $i) { __typename } }`,
        { c: randomUUID(), i: { areaCode, year: 2019, population, effectiveAt: '2019-12-31' } },
      );
      expect(recorded.errors).toBeUndefined();
    }
  });
  afterAll(async () => api.close());

  const read = async (client: GraphQLClient, id = assessmentId, asOf?: string) => {
    const { data, errors } = await query<{ thirdPartyAssessment: AssessmentAnswer | null }>(client, ASSESSMENT, {
      id,
      asOf,
    });
    expect(errors).toBeUndefined();
    return data.thirdPartyAssessment as AssessmentAnswer;
  };
  const open = (id: string, title = '2019年度贫困县退出第三方评估') =>
    mutate(assessing, 'openAssessment', 'OpenAssessmentInput', {
      assessmentId: id,
      title,
      areaCode: COUNTY,
      year: 2019,
      cutoff: '2019-12-31',
      seedCommitment: COMMITMENT,
      sizes: { poorVillages: 1, otherVillages: 1, exitedPerVillage: 2, registeredPerVillage: 2 },
      poorVillageCodes: [VILLAGE],
    });

  it('opens with a committed seed, refuses a seed that does not match, and draws what anyone can redraw by hand', async () => {
    expect(await mutate(await api.client(villageClerk), 'openAssessment', 'OpenAssessmentInput', {})).toMatchObject({
      __typename: 'Error',
    });
    expect(await open(assessmentId)).toMatchObject({ __typename: 'AssessmentSuccess', revision: 0 });
    const wrong = await mutate(assessing, 'drawSample', 'DrawSampleInput', { assessmentId, seed: `${SEED}!` });
    expect(wrong).toMatchObject({ __typename: 'RuleViolation', rule: 'SEED_MISMATCH' });
    expect(wrong.localizedMessage).toContain('承诺');
    expect(await mutate(assessing, 'drawSample', 'DrawSampleInput', { assessmentId, seed: SEED })).toMatchObject({
      __typename: 'AssessmentSuccess',
      revision: 1,
    });

    const a = await read(assessing);
    expect(a.sample?.seed).toBe(SEED);
    expect(a.sample?.villages).toEqual([
      { villageCode: VILLAGE, stratum: 'poor', ruralPopulation: 200, cardedPeople: 12 },
      { villageCode: OTHER_VILLAGE, stratum: 'other', ruralPopulation: 100, cardedPeople: 8 },
    ]);
    // Household ids derive from the card numbers (import); redraw: the first two by SHA-256 rank.
    const idOf = (card: string) => deriveId('import', card.toUpperCase());
    for (const village of [VILLAGE, OTHER_VILLAGE]) {
      for (const exited of [true, false]) {
        const stratum = exited ? 'exited' : 'registered';
        const expected = cards
          .filter((c) => c.village === village && c.exited === exited)
          .map((c) => idOf(c.card))
          .sort((x, y) => (rank(stratum, x) < rank(stratum, y) ? -1 : 1))
          .slice(0, 2);
        const drawn = a.sample?.households.filter((h) => h.villageCode === village && h.stratum === stratum);
        expect(drawn?.map((h) => h.householdId)).toEqual(expected);
      }
    }
    // The draw cites the log's head signed then: a household drawn is proved in the log under it.
    const cited = await query<{
      thirdPartyAssessment: { sample: { logHead: { treeSize: number; rootHash: string } } };
    }>(
      assessing,
      'query($id: ID!) { thirdPartyAssessment(assessmentId: $id) { sample { logHead { treeSize rootHash } } } }',
      {
        id: assessmentId,
      },
    );
    const head = cited.data.thirdPartyAssessment.sample.logHead;
    const drawnStream = `household-${a.sample?.households[0]?.householdId}`;
    const [drawnEvent] = await api.infrastructure.eventStore.readStream(drawnStream, { maxCount: 1 });
    const proved = await query<{ logInclusionProof: { leafIndex: number; leafHash: string; proof: string[] } }>(
      assessing,
      'query($e: ID!, $n: Int) { logInclusionProof(eventId: $e, treeSize: $n) { leafIndex leafHash proof } }',
      { e: drawnEvent?.id, n: head.treeSize },
    );
    const p = proved.data.logInclusionProof;
    const hex = (x: string) => Buffer.from(x, 'hex');
    expect(verifyInclusion(p.leafIndex, head.treeSize, hex(p.leafHash), p.proof.map(hex), hex(head.rootHash))).toBe(
      true,
    );

    // Assessors find households by card number; the head's name is masked for them.
    const first = a.sample?.households[0];
    expect(first?.cardNumber).toMatch(/^TPA-/);
    expect(first?.headName).toMatch(/^户\*+$/);
    expect(first?.people).toBe(2);
  });

  it('draws the same sample again from the same seed, and a redraw from the registry now matches', async () => {
    const again = randomUUID();
    await open(again, '<script>alert(1)</script> 复评');
    await mutate(assessing, 'drawSample', 'DrawSampleInput', { assessmentId: again, seed: SEED });
    const [one, two] = [await read(assessing), await read(assessing, again)];
    expect(two.sample?.households).toEqual(one.sample?.households);
    expect(two.sample?.frameDigest).toBe(one.sample?.frameDigest);
    const { data } = await query<{
      thirdPartyAssessment: { verification: { matches: boolean; frameMatches: boolean } };
    }>(
      assessing,
      'query($id: ID!) { thirdPartyAssessment(assessmentId: $id) { verification { matches frameMatches } } }',
      { id: assessmentId },
    );
    expect(data.thirdPartyAssessment.verification).toEqual({ matches: true, frameMatches: true });
  });

  let omittedId = '';
  let reportTime = '';
  it('records findings and gives the 三率一度 of the hand-built county, worked out here', async () => {
    const a = await read(assessing);
    const sampled = a.sample?.households ?? [];
    const exited = sampled.filter((h) => h.stratum === 'exited');
    const registered = sampled.filter((h) => h.stratum === 'registered');
    const finding = (input: Record<string, unknown>) =>
      mutate(assessing, 'recordFinding', 'RecordFindingInput', {
        assessmentId,
        surveyedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
        conditions: ALL_MET,
        approves: true,
        ...input,
      });
    // 4 exited households: the first wrongly exited (income below the 2019 line) and does not approve.
    for (const [i, h] of exited.entries()) {
      const answer = await finding(
        i === 0
          ? { householdId: h.householdId, verdict: 'wrongly_exited', incomePerCapitaFen: 500_000, approves: false }
          : { householdId: h.householdId, verdict: 'correctly_exited', incomePerCapitaFen: 800_000 },
      );
      expect(answer.__typename).toBe('AssessmentSuccess');
    }
    // 4 registered: the first not poor at all (wrongly included).
    for (const [i, h] of registered.entries()) {
      await finding(
        i === 0
          ? { householdId: h.householdId, verdict: 'wrongly_included', incomePerCapitaFen: 900_000 }
          : { householdId: h.householdId, verdict: 'correctly_registered', incomePerCapitaFen: 300_000 },
      );
    }
    // Outside the registry in 张庄村: one omitted household of 3, one not poor of 4.
    omittedId = person('head').nationalId;
    const omitted = await finding({
      outside: { villageCode: VILLAGE, label: '一组-1', headName: '王小二', headNationalId: omittedId, people: 3 },
      verdict: 'omitted',
      incomePerCapitaFen: 300_000,
    });
    expect(omitted.__typename).toBe('AssessmentSuccess');
    await finding({
      outside: { villageCode: VILLAGE, label: '一组-2', people: 4 },
      verdict: 'not_poor',
      incomePerCapitaFen: 900_000,
    });
    // A verdict its own findings contradict is refused, naming the rule in Chinese.
    const contradicted = await finding({
      householdId: exited[1]?.householdId,
      verdict: 'correctly_exited',
      incomePerCapitaFen: 100_000,
      reason: '复核',
    });
    expect(contradicted).toMatchObject({ __typename: 'RuleViolation', rule: 'VERDICT_CONTRADICTS_FINDINGS' });

    const report = await read(assessing);
    reportTime = report.asOf;
    const r = report.results;
    expect(r).toMatchObject({ sampled: 8, surveyed: 8, outside: 2, missingFindings: 0, recommendation: 'not_exit' });
    expect(r.wrongExit).toMatchObject({ value: 2 / 8, numerator: 2, denominator: 8, meets: false });
    expect(r.wrongInclusion).toMatchObject({ value: 2 / 8, meets: false });
    // Non-registered people of the sampled villages: (200 − 12) + (100 − 8) = 280.
    expect(r.omission).toMatchObject({ numerator: 3, denominator: 280, meets: true });
    expect(r.omission.value).toBeCloseTo(3 / 280, 12);
    expect(r.approval).toMatchObject({ value: 0.9, numerator: 9, denominator: 10, meets: true });
    // (10 registered + 3/280 · (1000 − 20) non-registered + 0.25 · 10 exited) ÷ 1000 = 2.3%.
    expect(r.incidence.value).toBeCloseTo(0.023, 12);
    expect(r.incidence.meets).toBe(false);
    for (const rate of [r.wrongExit, r.omission, r.approval, r.incidence]) {
      expect(rate.low as number).toBeLessThanOrEqual(rate.value as number);
      expect(rate.high as number).toBeGreaterThanOrEqual(rate.value as number);
    }
    expect(report.byVillage.map((v) => [v.areaCode, v.sampled, v.surveyed])).toEqual([
      [VILLAGE, 4, 4],
      [OTHER_VILLAGE, 4, 4],
    ]);
    expect(report.byVillage[1]?.omission.value).toBe(0);
    expect(report.byTownship.map((t) => t.areaCode)).toEqual(['320924101000', '320924102000']);
    // Assessors see the head of an outside household masked; the county's clerks see it.
    const outside = report.findings.find((f) => f.label === '一组-1');
    expect(outside?.headName).toBe('王**');
    expect(outside?.headNationalId).not.toBe(omittedId);
    expect(outside?.headNationalId?.slice(-1)).toBe(omittedId.slice(-1));
    expect((await read(county)).findings.find((f) => f.label === '一组-1')?.headNationalId).toBe(omittedId);
  });

  it('keeps the report’s numbers as of its time when a finding is recorded later', async () => {
    const a = await read(assessing);
    const wrong = a.sample?.households.find((h) => h.stratum === 'exited')?.householdId;
    const replaced = await mutate(assessing, 'recordFinding', 'RecordFindingInput', {
      assessmentId,
      householdId: wrong,
      surveyedOn: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10),
      conditions: ALL_MET,
      approves: true,
      verdict: 'correctly_exited',
      incomePerCapitaFen: 800_000,
      reason: '复核：工资收入漏计',
    });
    expect(replaced.__typename).toBe('AssessmentSuccess');
    expect((await read(assessing)).results.wrongExit.value).toBe(0);
    const then = await read(assessing, assessmentId, reportTime);
    expect(then.asOf).toBe(reportTime);
    expect(then.results.wrongExit.value).toBe(2 / 8);
    expect(then.results.incidence.value).toBeCloseTo(0.023, 12);
  });

  it('exports the report: printable HTML with its charts, the rates and the findings as CSV, as of a time', async () => {
    const get = async (path: string, claims = assessor) =>
      fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${await api.token(claims)}` } });
    const html = await get(`/export/assessment/${assessmentId}?asOf=${encodeURIComponent(reportTime)}`);
    expect(html.status).toBe(200);
    expect(html.headers.get('x-as-of')).toBe(reportTime);
    const page = await html.text();
    expect(page).toContain('不符合退出条件');
    expect(page).toContain('综合贫困发生率');
    expect(page).toContain('2.30%');
    expect(page).toContain(COMMITMENT);
    expect(page.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
    // Areas by name (the register's, on the cut-off date), codes in their own column.
    expect(page).toContain('射阳县（<code>320924000000</code>）');
    expect(page).toContain('<th>新东村</th><td><code>320924101201</code></td>');
    expect(page).toContain('<th>临海镇</th><td><code>320924101000</code></td>');
    // Asked again for the same time, the same bytes: it can be hashed and archived as cited.
    const again = await (await get(`/export/assessment/${assessmentId}?asOf=${encodeURIComponent(reportTime)}`)).text();
    expect(again).toBe(page);
    expect(page).not.toMatch(/zr\d+-/);
    const english = await (
      await get(`/export/assessment/${assessmentId}?asOf=${encodeURIComponent(reportTime)}&lang=en`)
    ).text();
    expect(english).toContain('does not meet the exit standard');
    // Text the assessor typed is escaped, never markup.
    const ids = (
      await query<{ thirdPartyAssessments: { assessmentId: string; title: string }[] }>(
        assessing,
        '{ thirdPartyAssessments { assessmentId title } }',
      )
    ).data.thirdPartyAssessments;
    const hostile = ids.find((a) => a.title.startsWith('<script>'));
    expect(ids.map((a) => a.assessmentId)).toContain(assessmentId);
    const escaped = await (await get(`/export/assessment/${hostile?.assessmentId}`)).text();
    expect(escaped).not.toContain('<script>');
    expect(escaped).toContain('&#60;script&#62;');

    const rates = await (
      await get(`/export/assessment/${assessmentId}?format=csv&asOf=${encodeURIComponent(reportTime)}`)
    ).text();
    const lines = rates
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    // As the report shows them: Chinese headers and names, percentages rounded as printed.
    expect(lines[0]).toBe(
      '范围,区划,区划代码,指标,测算值（%）,区间下限（%）,区间上限（%）,分子,分母,标准（%）,是否达标',
    );
    expect(lines.find((l) => l.startsWith(`评估范围,射阳县,${COUNTY},错退率,`))).toMatch(
      /^评估范围,射阳县,\d+,错退率,25\.00,/,
    );
    expect(lines.find((l) => l.startsWith(`村,滨东村,${OTHER_VILLAGE},漏评率,`))).toMatch(/,漏评率,0\.00,0\.00,/);
    expect(rates).not.toMatch(/\d\.\d{3,}/);
    const findings = await (await get(`/export/assessment/${assessmentId}?format=csv&part=findings`)).text();
    expect(findings).toContain('一组-1');
    expect(findings).not.toContain(omittedId);
    const unmasked = await (
      await get(
        `/export/assessment/${assessmentId}?format=csv&part=findings&purpose=${encodeURIComponent('整改核实')}`,
        countyClerk,
      )
    ).text();
    // Unmasked, the findings' names and ID numbers are a bulk read: refused without a purpose.
    expect((await get(`/export/assessment/${assessmentId}?format=csv&part=findings`, countyClerk)).status).toBe(400);
    expect(unmasked).toContain(omittedId);
    expect((await get(`/export/assessment/${assessmentId}`, otherClerk)).status).toBe(403);
    expect((await get(`/export/assessment/${assessmentId}?format=pdf`)).status).toBe(400);
  });

  it('gives the county a rectification list that shows what it has acted on', async () => {
    const list = async () =>
      (
        await query<{
          thirdPartyAssessment: {
            rectifications: {
              action: string;
              actedOn: boolean;
              finding: { householdId: string | null; verdict: string };
            }[];
          };
        }>(
          county,
          'query($id: ID!) { thirdPartyAssessment(assessmentId: $id) { rectifications { action actedOn finding { householdId verdict } } } }',
          { id: assessmentId },
        )
      ).data.thirdPartyAssessment.rectifications;
    const before = await list();
    expect(before.map((r) => [r.action, r.actedOn]).sort()).toEqual([
      ['invite_application', false],
      ['remove', false],
    ]);
    // Named so a county finds them: card number and head (the county sees the name, an assessor a mask).
    const named = async (client: typeof county) =>
      (
        await query<{
          thirdPartyAssessment: {
            rectifications: { action: string; cardNumber: string | null; headName: string | null }[];
          };
        }>(
          client,
          'query($id: ID!) { thirdPartyAssessment(assessmentId: $id) { rectifications { action cardNumber headName } } }',
          { id: assessmentId },
        )
      ).data.thirdPartyAssessment.rectifications.find((r) => r.action === 'remove');
    const forCounty = await named(county);
    expect(forCounty?.cardNumber).toMatch(/\S/);
    expect(forCounty?.headName).toMatch(/\S/);
    expect((await named(assessing))?.headName).toBe(maskName(forCounty?.headName ?? ''));
    // The omitted household applies (with the person the assessor named): the item is acted on.
    await ok(await api.client(villageClerk), 'ApplyForRegistration', {
      householdId: randomUUID(),
      effectiveAt: '2020-02-01',
      data: {
        household: { villageCode: VILLAGE, address: '一组' },
        members: [{ ...person('head'), nationalId: omittedId }],
      },
    });
    await expect
      .poll(async () => (await list()).find((r) => r.action === 'invite_application')?.actedOn, { timeout: 10_000 })
      .toBe(true);
  });

  it('answers only assessors, evaluators, admins and clerks whose area covers the assessed one', async () => {
    const { errors } = await query(await api.client(otherClerk), ASSESSMENT, { id: assessmentId });
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
