import { randomUUID } from 'node:crypto';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  COUNTY,
  countyClerk,
  ok,
  person,
  query,
  type RunningApi,
  startApi,
  TOWNSHIP,
  VILLAGE,
  villageClerk,
} from './harness.js';

const VERSION_FIELDS = `id description effectiveFrom reason recordedBy noticeDays minVisitsPerYear
  incomeLines { year lineFen } provincialIncomeLines { province year lineFen }
  dutyLevels { duty levels } separateDuties { first second } areaExitIncidence { standard west }
  monitoring { from standards { year standardFen } provincialStandards { province year standardFen }
    verificationDays identificationDays eliminationMinMonths }`;

type Version = {
  id: string;
  effectiveFrom: string;
  noticeDays: number;
  minVisitsPerYear: number;
  incomeLines: { year: number; lineFen: number }[];
  provincialIncomeLines: { province: string; year: number; lineFen: number }[];
  dutyLevels: { duty: string; levels: string[] }[];
  separateDuties: { first: string; second: string }[];
  areaExitIncidence: { standard: number; west: number };
  monitoring: {
    from: string;
    standards: { year: number; standardFen: number }[];
    provincialStandards: { province: string; year: number; standardFen: number }[];
    verificationDays: number;
    identificationDays: number;
    eliminationMinMonths: number;
  } | null;
};

const RECORD = `mutation($c: ID!, $i: RecordPolicyVersionInput!) { recordPolicyVersion(commandId: $c, input: $i) {
  __typename ... on PolicyVersionSuccess { id duplicate } ... on Problem { message }
  ... on ValidationError { issues { path message } } } }`;

describe('policy as data through the API: versions recorded by the province’s admins, read by every rule', () => {
  let api: RunningApi;
  let province: GraphQLClient;
  let clerk: GraphQLClient;
  beforeAll(async () => {
    api = await startApi('policy');
    province = await api.client(admin);
    clerk = await api.client(villageClerk);
  });
  afterAll(async () => api.close());

  const inForce = async (on?: string) =>
    (
      await query<{ policyInForce: Version }>(
        clerk,
        `query($on: Date) { policyInForce(on: $on) { ${VERSION_FIELDS} } }`,
        { on },
      )
    ).data.policyInForce;

  /** The input for a new version: the one in force, changed. */
  const input = (base: Version, change: Record<string, unknown>) => {
    const { incomeLines, provincialIncomeLines, dutyLevels, separateDuties, areaExitIncidence, monitoring } = base;
    return {
      id: `v-${randomUUID().slice(0, 8)}`,
      description: '测试版本',
      effectiveFrom: '2021-01-01',
      reason: '省扶贫办通知',
      incomeLines,
      provincialIncomeLines,
      noticeDays: base.noticeDays,
      minVisitsPerYear: base.minVisitsPerYear,
      dutyLevels,
      separateDuties,
      areaExitIncidence,
      monitoring,
      ...change,
    };
  };

  it('starts with today’s values recorded as the first version, readable by every role', async () => {
    const { data } = await query<{ policyVersions: Version[] }>(clerk, `{ policyVersions { ${VERSION_FIELDS} } }`);
    expect(data.policyVersions).toHaveLength(1);
    const seed = data.policyVersions[0] as Version;
    expect(seed).toMatchObject({
      id: 'national-2014',
      effectiveFrom: '2014-01-01',
      noticeDays: 7,
      minVisitsPerYear: 6,
    });
    expect(seed.areaExitIncidence).toEqual({ standard: 0.02, west: 0.03 });
    expect(seed.incomeLines).toContainEqual({ year: 2019, lineFen: 374_700 });
    expect(seed.provincialIncomeLines).toContainEqual({ province: '32', year: 2019, lineFen: 600_000 });
    expect(seed.dutyLevels).toContainEqual({ duty: 'county_approval', levels: ['county'] });
    expect(seed.separateDuties).toContainEqual({ first: 'township_review', second: 'county_approval' });
    expect(seed.dutyLevels).toContainEqual({ duty: 'alert_verification', levels: ['village', 'township'] });
    expect(seed.monitoring).toMatchObject({ from: '2021-01-01', verificationDays: 7, identificationDays: 15 });
    expect(seed.monitoring?.standards).toContainEqual({ year: 2021, standardFen: 600_000 });
  });

  it('lets only the province’s admins record a version; a bad one is refused naming the field', async () => {
    const base = await inForce();
    const countyAdmin = await api.client({ sub: 'admin-county', role: 'admin', unit: '县扶贫办', area: COUNTY });
    for (const client of [countyAdmin, await api.client(countyClerk)]) {
      const { data } = await query<{ recordPolicyVersion: { __typename: string } }>(client, RECORD, {
        c: randomUUID(),
        i: input(base, {}),
      });
      expect(data.recordPolicyVersion.__typename).toBe('Forbidden');
    }
    const bad = await query<{ recordPolicyVersion: { __typename: string; issues: { path: string }[] } }>(
      province,
      RECORD,
      { c: randomUUID(), i: input(base, { noticeDays: 0, areaExitIncidence: { standard: 0.02, west: 1.5 } }) },
    );
    expect(bad.data.recordPolicyVersion.__typename).toBe('ValidationError');
    expect(bad.data.recordPolicyVersion.issues.map((i) => i.path).sort()).toEqual([
      'input.areaExitIncidence.west',
      'input.noticeDays',
    ]);
    expect(
      (await query<{ policyVersions: Version[] }>(clerk, '{ policyVersions { id } }')).data.policyVersions,
    ).toHaveLength(1);
  });

  it('applies a version from its effective date: a notice opened in 2021 runs the new days, one in 2020 the old', async () => {
    const base = await inForce();
    const commandId = randomUUID();
    // This province starts monitoring a year later: it still takes applications in 2021.
    if (!base.monitoring) throw new Error('the seed has no monitoring regime');
    const version = input(base, {
      noticeDays: 10,
      monitoring: {
        ...base.monitoring,
        from: '2022-01-01',
        provincialStandards: [{ province: '32', year: 2022, standardFen: 800_000 }],
      },
    });
    const first = await query<{ recordPolicyVersion: { __typename: string; duplicate: boolean } }>(province, RECORD, {
      c: commandId,
      i: version,
    });
    expect(first.data.recordPolicyVersion).toMatchObject({ __typename: 'PolicyVersionSuccess', duplicate: false });
    const again = await query<{ recordPolicyVersion: { duplicate: boolean } }>(province, RECORD, {
      c: commandId,
      i: version,
    });
    expect(again.data.recordPolicyVersion.duplicate).toBe(true);
    expect((await inForce('2020-12-31')).id).toBe('national-2014');
    expect(await inForce('2021-06-01')).toMatchObject({
      id: version.id,
      noticeDays: 10,
      monitoring: { from: '2022-01-01', provincialStandards: [{ province: '32', year: 2022, standardFen: 800_000 }] },
    });

    const closesOn = async (year: number) => {
      const householdId = randomUUID();
      await ok(clerk, 'ApplyForRegistration', {
        householdId,
        effectiveAt: `${year}-03-01`,
        data: { household: { villageCode: VILLAGE, address: '1号' }, members: [person('head')] },
      });
      await ok(clerk, 'RecordVillageReview', { householdId, effectiveAt: `${year}-03-10`, data: { approved: true } });
      const opened = await ok(clerk, 'OpenPublicNotice', { householdId, effectiveAt: `${year}-03-11`, data: {} });
      const { data } = await query<{
        household: { history: { edges: { node: { type: string; data: { closesOn?: string } } }[] } };
      }>(
        clerk,
        'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { history(first: 10) { edges { node { type data } } } } }',
        { id: householdId, w: opened.position },
      );
      return data.household.history.edges.map((e) => e.node).find((n) => n.type === 'PublicNoticeOpened')?.data
        .closesOn;
    };
    expect(await closesOn(2020)).toBe('2020-03-18');
    expect(await closesOn(2021)).toBe('2021-03-21');
    // From the version's monitoring date an application is refused, in Chinese, pointing to monitoring.
    const refused = await query<{
      applyForRegistration: { __typename: string; rule: string; localizedMessage: string };
    }>(
      clerk,
      `mutation($c: ID!, $i: ApplyForRegistrationInput!) { applyForRegistration(commandId: $c, input: $i) {
        __typename ... on RuleViolation { rule localizedMessage } } }`,
      {
        c: randomUUID(),
        i: {
          householdId: randomUUID(),
          effectiveAt: '2022-03-01',
          data: { household: { villageCode: VILLAGE, address: '2号' }, members: [person('head')] },
        },
      },
    );
    expect(refused.data.applyForRegistration).toMatchObject({
      __typename: 'RuleViolation',
      rule: 'REGISTRATION_CLOSED',
    });
    expect(refused.data.applyForRegistration.localizedMessage).toContain('防返贫动态监测自2022年1月1日起施行');
  });

  it('replays exits (回头看) under a recorded version by its id; an unknown id is refused by field', async () => {
    const review = async (policyVersion: string) =>
      query<{ exitReview: { __typename: string; policyId?: string; issues?: { path: string }[] } }>(
        await api.client({ sub: 'eval', role: 'evaluator', unit: '县扶贫办', area: COUNTY }),
        `query($a: AreaCode!, $v: String) { exitReview(areaCode: $a, policyVersion: $v) {
          __typename ... on ExitReview { policyId } ... on ValidationError { issues { path } } } }`,
        { a: TOWNSHIP, v: policyVersion },
      );
    expect((await review('national-2014')).data.exitReview).toMatchObject({
      __typename: 'ExitReview',
      policyId: 'national-2014',
    });
    expect((await review('no-such-version')).data.exitReview).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: 'policyVersion' }],
    });
  });
});
