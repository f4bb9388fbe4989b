import { randomUUID } from 'node:crypto';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  assessor,
  COUNTY,
  countyClerk,
  OTHER_VILLAGE,
  otherClerk,
  person,
  query,
  type RunningApi,
  startApi,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

const HEADERS =
  '户编号,村代码,地址,卡号,建档日期,贫困户属性,主要致贫原因,状态,脱贫年度,脱贫日期,人均纯收入（元）,姓名,身份证号,与户主关系';

/** 张庄村: one registered household of two (incidence 2 / 1000 = 0.2% in 2019); the other village: two more. */
function roll(tag: string): Buffer {
  const rows: string[] = [HEADERS];
  [VILLAGE, OTHER_VILLAGE, OTHER_VILLAGE].forEach((village, n) => {
    const base = `H${n},${village},${n}号,AREA-${tag}-${n},2016-05-01,一般贫困户,因病,建档立卡,,,`;
    rows.push(`${base},户主${n},${person('head').nationalId},户主`);
    rows.push(`${base},配偶${n},${person('spouse', 'female', '1972-03-08').nationalId},配偶`);
  });
  return Buffer.from(`\uFEFF${rows.join('\n')}\n`);
}

const OUTCOME = `__typename ... on AreaRecordSuccess { areaCode position duplicate }
  ... on Problem { message localizedMessage } ... on RuleViolation { rule facts }`;

describe('poor villages and the exits of villages and counties through the API', () => {
  let api: RunningApi;
  let county: GraphQLClient;
  let township: GraphQLClient;
  beforeAll(async () => {
    api = await startApi('areas');
    county = await api.client(countyClerk);
    township = await api.client(townshipClerk);
    const imported = await fetch(`${api.url}/import?name=roll.csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token(countyClerk)}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(roll(randomUUID().slice(0, 6))),
    });
    expect(imported.status).toBe(200);
    const provincial = await api.client(admin);
    for (const [areaCode, population] of [
      [VILLAGE, 1000],
      [COUNTY, 10_000],
    ] as const) {
      await provincial.request(
        'mutation($c: ID!, $i: RecordRuralPopulationInput!) { recordRuralPopulation(commandId: $c, input: $i) { __typename } }',
        { c: randomUUID(), i: { areaCode, year: 2019, population, effectiveAt: '2019-12-31' } },
      );
    }
  });
  afterAll(async () => api.close());

  const step = async (client: GraphQLClient, field: string, input: Record<string, unknown>, language = 'zh-CN') => {
    const type = `${field.charAt(0).toUpperCase()}${field.slice(1)}Input`;
    const response = await client.rawRequest<Record<string, Record<string, unknown>>>(
      `mutation($c: ID!, $i: ${type}!) { ${field}(commandId: $c, input: $i) { ${OUTCOME} } }`,
      { c: randomUUID(), i: input },
      { 'accept-language': language },
    );
    expect(response.errors).toBeUndefined();
    return response.data[field] as Record<string, unknown> & { facts?: Record<string, unknown> };
  };

  it('names areas from the national register and, from their dates, as an admin renames or merges them', async () => {
    const names = `query($codes: [AreaCode!]!, $on: Date) { areaNames(codes: $codes, effectiveOn: $on) { code name fullName level parentCode mergedInto fromRegister } }`;
    const read = async (client: GraphQLClient, codes: string[], on?: string) =>
      (await client.request<{ areaNames: Record<string, unknown>[] }>(names, { codes, on })).areaNames;
    // Every role reads names, outside its area too: they are public reference data.
    const assessing = await api.client(assessor);
    expect(await read(assessing, [COUNTY, VILLAGE, '110101001001'])).toEqual([
      expect.objectContaining({ code: COUNTY, name: '射阳县', fullName: '盐城市射阳县', level: 'county' }),
      expect.objectContaining({
        name: '新东村',
        fullName: '临海镇新东村',
        parentCode: '320924101000',
        fromRegister: true,
      }),
      expect.objectContaining({ name: '多福巷社区', level: 'village' }),
    ]);
    const children = await township.request<{ areaChildren: { code: string; name: string }[] }>(
      'query { areaChildren(code: "320924000000") { code name } }',
    );
    expect(children.areaChildren.slice(0, 2)).toEqual([
      { code: '320924100000', name: '合德镇' },
      { code: '320924101000', name: '临海镇' },
    ]);
    // A clerk may not rename; an admin may, from a date; a merger into an unknown code is refused by name.
    const rename = { areaCode: VILLAGE, areaName: '新东社区', effectiveAt: '2024-05-01', reason: '民政批复' };
    const refused = await county.request<{ nameArea: { __typename: string } }>(
      'mutation($c: ID!, $i: NameAreaInput!) { nameArea(commandId: $c, input: $i) { __typename } }',
      { c: randomUUID(), i: rename },
    );
    expect(refused.nameArea.__typename).toBe('Forbidden');
    const provincial = await api.client(admin);
    const renamed = await provincial.request<{ nameArea: { __typename: string; position: string } }>(
      'mutation($c: ID!, $i: NameAreaInput!) { nameArea(commandId: $c, input: $i) { __typename ... on ReferenceSuccess { position } } }',
      { c: randomUUID(), i: rename },
    );
    expect(renamed.nameArea.__typename).toBe('ReferenceSuccess');
    await expect.poll(async () => (await read(assessing, [VILLAGE]))[0]?.name).toBe('新东社区');
    expect((await read(assessing, [VILLAGE], '2024-04-30'))[0]?.name).toBe('新东村');
    const merger = await provincial.request<{ mergeArea: { __typename: string; issues?: unknown } }>(
      `mutation($c: ID!, $i: MergeAreaInput!) { mergeArea(commandId: $c, input: $i) { __typename
        ... on ValidationError { issues { path message } localizedMessage } } }`,
      { c: randomUUID(), i: { areaCode: VILLAGE, into: '320924101298', effectiveAt: '2025-01-01' } },
    );
    expect(merger.mergeArea).toEqual({
      __typename: 'ValidationError',
      issues: [{ path: 'input.into', message: 'must be an area in the national register or named before the merger' }],
      localizedMessage: expect.stringContaining('并入区划：须为区划代码库中的区划，或已先行命名'),
    });
  });

  it('prints a village’s 公示 notice and a household’s 明白卡 for those who may see them, masked for assessors', async () => {
    const get = async (path: string, claims = villageClerk) =>
      fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${await api.token(claims)}` } });
    const quiet = await get(`/print/notice?areaCode=${VILLAGE}`);
    expect(quiet.status).toBe(200);
    expect(await quiet.text()).toContain('目前没有处于公示期的农户');
    // Refusals say why in Chinese too, beside the stable code and the English rule.
    const forbidden = await get(`/print/notice?areaCode=${VILLAGE}`, otherClerk);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({
      code: 'FORBIDDEN',
      localizedMessage: expect.stringMatching(/^无权执行此操作/),
    });
    const wrong = await get(`/print/notice?areaCode=${COUNTY}`);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { localizedMessage: string }).localizedMessage).toMatch(/^输入有误：区划：/);
    const { households } = await county.request<{ households: { edges: { node: { id: string } }[] } }>(
      `{ households(first: 1, filter: { areaCode: "${VILLAGE}" }) { edges { node { id } } } }`,
    );
    const id = households.edges[0]?.node.id as string;
    const card = await (await get(`/print/household/${id}`)).text();
    expect(card).toContain('扶贫明白卡');
    expect(card).toContain('户主0');
    expect(card).not.toContain('<script');
    const masked = await (await get(`/print/household/${id}`, assessor)).text();
    expect(masked).not.toContain('户主0');
    expect(masked).not.toMatch(/\d{17}[\dX]/);
    const missing = await get(`/print/household/${id}`, otherClerk);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      code: 'NOT_FOUND',
      localizedMessage: expect.stringMatching(/^找不到该户/),
    });
  });

  it('designates a poor village at county level only, once', async () => {
    const input = { areaCode: VILLAGE, year: 2015, effectiveAt: '2015-06-01' };
    expect(await step(await api.client(villageClerk), 'designatePoorVillage', input)).toMatchObject({
      rule: 'LEVEL_NOT_ALLOWED',
    });
    expect(await step(county, 'designatePoorVillage', input)).toMatchObject({ __typename: 'AreaRecordSuccess' });
    expect(await step(county, 'designatePoorVillage', input)).toMatchObject({ rule: 'ALREADY_POOR_VILLAGE' });
    await expect
      .poll(
        async () =>
          (
            await query<{ poorVillages: { villageCode: string }[] }>(
              county,
              '{ poorVillages(areaCode: "320924000000", effectiveOn: "2019-12-31") { villageCode since } }',
            )
          ).data.poorVillages,
      )
      .toEqual([{ villageCode: VILLAGE, since: 2015 }]);
  });

  it('proposes a village’s exit on its incidence, refusing with the unmet criteria in Chinese, then review and announcement by the county', async () => {
    expect(
      await step(township, 'proposeAreaExit', { areaCode: '320924101202', year: 2019, effectiveAt: '2020-01-05' }),
    ).toMatchObject({
      rule: 'NOT_POOR_VILLAGE',
    });
    const noPopulation = await step(township, 'proposeAreaExit', {
      areaCode: VILLAGE,
      year: 2018,
      effectiveAt: '2020-01-05',
    });
    expect(noPopulation).toMatchObject({ rule: 'AREA_EXIT_CRITERIA_UNMET', facts: { unmet: ['population_known'] } });
    expect(noPopulation.localizedMessage).toBe(
      '未达到退出标准：缺少当年农村人口数，无法测算贫困发生率（贫困发生率 —，标准 2.00%）',
    );
    expect(
      await step(county, 'proposeAreaExit', { areaCode: VILLAGE, year: 2019, effectiveAt: '2020-01-05' }),
    ).toMatchObject({
      rule: 'LEVEL_NOT_ALLOWED',
    });
    expect(
      await step(township, 'proposeAreaExit', { areaCode: VILLAGE, year: 2019, effectiveAt: '2020-01-05' }),
    ).toMatchObject({
      __typename: 'AreaRecordSuccess',
    });
    const record = async () =>
      (
        await query<{ areaRecord: Record<string, unknown> & { exitEvidence: Record<string, unknown> | null } }>(
          county,
          `{ areaRecord(areaCode: "${VILLAGE}") { poorVillageSince exitStep exitYear exitedOn
             exitEvidence { incidence registeredPeople ruralPopulation threshold } } }`,
        )
      ).data.areaRecord;
    expect(await record()).toMatchObject({
      poorVillageSince: 2015,
      exitStep: 'review',
      exitEvidence: { incidence: 0.002, registeredPeople: 2, ruralPopulation: 1000, threshold: 0.02 },
    });
    expect(await step(county, 'announceAreaExit', { areaCode: VILLAGE, effectiveAt: '2020-01-20' })).toMatchObject({
      rule: 'OUT_OF_ORDER',
    });
    expect(
      await step(county, 'reviewAreaExit', { areaCode: VILLAGE, approved: true, effectiveAt: '2020-01-15' }),
    ).toMatchObject({
      __typename: 'AreaRecordSuccess',
    });
    expect(await step(county, 'announceAreaExit', { areaCode: VILLAGE, effectiveAt: '2020-01-20' })).toMatchObject({
      __typename: 'AreaRecordSuccess',
    });
    expect(await record()).toMatchObject({ exitStep: null, exitYear: 2019, exitedOn: '2020-01-20' });
  });

  it('refuses a county’s exit without an assessment recommending it, and an assessment opened without a list draws from the registry’s poor villages', async () => {
    const refused = await step(county, 'proposeAreaExit', { areaCode: COUNTY, year: 2019, effectiveAt: '2020-02-01' });
    expect(refused).toMatchObject({
      rule: 'AREA_EXIT_CRITERIA_UNMET',
      facts: { unmet: ['assessment_recommends_exit'] },
    });
    const assessing = await api.client(assessor);
    const assessmentId = randomUUID();
    const opened = await assessing.request<{ openAssessment: { __typename: string } }>(
      `mutation($c: ID!, $i: OpenAssessmentInput!) { openAssessment(commandId: $c, input: $i) { __typename } }`,
      {
        c: randomUUID(),
        i: {
          assessmentId,
          title: '2019年度评估',
          areaCode: COUNTY,
          year: 2019,
          cutoff: '2019-12-31',
          seedCommitment: 'a'.repeat(64),
          sizes: { poorVillages: 1, otherVillages: 1, exitedPerVillage: 1, registeredPerVillage: 1 },
        },
      },
    );
    expect(opened.openAssessment.__typename).toBe('AssessmentSuccess');
    const { data } = await query<{ thirdPartyAssessment: { poorVillageCodes: string[] } }>(
      assessing,
      `{ thirdPartyAssessment(assessmentId: "${assessmentId}") { poorVillageCodes } }`,
    );
    expect(data.thirdPartyAssessment.poorVillageCodes).toEqual([VILLAGE]);
    // An assessment not yet complete does not recommend the exit.
    const pending = await step(county, 'proposeAreaExit', {
      areaCode: COUNTY,
      year: 2019,
      effectiveAt: '2020-02-01',
      assessmentId,
    });
    expect(pending).toMatchObject({
      rule: 'AREA_EXIT_CRITERIA_UNMET',
      facts: { unmet: ['assessment_recommends_exit'], assessmentRecommendation: 'incomplete' },
    });
  });
});
