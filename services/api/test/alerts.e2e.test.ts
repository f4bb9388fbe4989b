import { randomUUID } from 'node:crypto';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countyClerk,
  ok,
  person,
  query,
  type RunningApi,
  send,
  startApi,
  TOWNSHIP,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

const QUEUE = `query($area: AreaCode!, $pending: Boolean, $w: Position) {
  riskAlerts(areaCode: $area, pending: $pending, waitFor: $w) {
    pending overdue
    items { householdId villageCode address alert {
      alertId channel department risks detail raisedOn verifyBy identifyBy overdue
      verification { verifiedOn outcome incomePerCapitaFen category } } } } }`;

type Queue = {
  pending: number;
  overdue: number;
  items: {
    householdId: string;
    alert: {
      alertId: string;
      channel: string;
      overdue: boolean;
      verifyBy: string;
      verification: { outcome: string; incomePerCapitaFen: number | null; category: string | null } | null;
    };
  }[];
};

/** The queue, or the errors that kept it from answering. */
async function queueOf(client: GraphQLClient, variables: Record<string, unknown>): Promise<Queue> {
  const { data, errors } = await query<{ riskAlerts: Queue }>(client, QUEUE, variables);
  if (!data) throw new Error(JSON.stringify(errors));
  return data.riskAlerts;
}

describe('risk alerts (风险预警) and their verification through the API', () => {
  let api: RunningApi;
  let village: GraphQLClient;
  let township: GraphQLClient;
  let county: GraphQLClient;
  beforeAll(async () => {
    api = await startApi('alerts');
    village = await api.client(villageClerk);
    township = await api.client(townshipClerk);
    county = await api.client(countyClerk);
  });
  afterAll(async () => api.close());

  /** A household that applied in 2020 and was turned down at the village review: on file, never registered. */
  const rejected = async (address: string, head = person('head')) => {
    const householdId = randomUUID();
    await ok(village, 'ApplyForRegistration', {
      householdId,
      effectiveAt: '2020-05-01',
      data: { household: { villageCode: VILLAGE, address }, members: [head] },
    });
    const { position } = await ok(village, 'RecordVillageReview', {
      householdId,
      effectiveAt: '2020-05-10',
      reason: '收入高于标准',
      data: { approved: false },
    });
    return { householdId, position };
  };

  it('plays the whole path: a 医保 batch’s alert, overdue until verified, identification, help, a refused elimination, elimination, the year’s figures', async () => {
    const head = person('head');
    const { householdId, position } = await rejected('李庄3号', head);
    // Turned down at review, it holds no claim: the batch finds it on file through the read model.
    await query(village, 'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { status } }', {
      id: householdId,
      w: position,
    });
    // A department's screening: the county uploads 医保's file; its row becomes the household's alert.
    const upload = await fetch(`${api.url}/alert-batch?name=${encodeURIComponent('医保2022年3月.csv')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token(countyClerk)}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(
        Buffer.from(
          `\uFEFF身份证号,预警部门,预警指标,金额（元）,风险类型,风险情况,发现日期\n${head.nationalId},医保部门,个人自付医疗费用,23500,因病,医保部门筛查：年度自付医疗费用超过预警线,2022-03-01\n`,
        ),
      ),
    });
    expect(upload.status).toBe(200);
    expect(await upload.json()).toMatchObject({ recorded: 1, unmatched: [], outside: [] });
    await expect.poll(async () => (await queueOf(village, { area: VILLAGE })).pending).toBe(1);
    const queued = await queueOf(village, { area: VILLAGE });
    expect(queued).toMatchObject({ pending: 1, overdue: 1 });
    const alertId = queued.items[0]?.alert.alertId as string;
    expect(queued.items[0]).toMatchObject({
      householdId,
      alert: { alertId, channel: 'department', verifyBy: '2022-03-08', overdue: true, verification: null },
    });
    // The county is not the level that verifies (乡村入户核实).
    const wrongLevel = await send(county, 'VerifyRiskAlert', {
      householdId,
      effectiveAt: '2022-03-05',
      data: { alertId, outcome: 'referred', referredTo: '临时救助' },
    });
    expect(wrongLevel).toMatchObject({ __typename: 'RuleViolation', rule: 'LEVEL_NOT_ALLOWED' });
    // Income above the 2022 standard (6,300 yuan) takes in only a sudden hardship: refused in Chinese.
    const above = await query<{ verifyRiskAlert: { __typename: string; rule: string; localizedMessage: string } }>(
      township,
      `mutation($c: ID!, $i: VerifyRiskAlertInput!) { verifyRiskAlert(commandId: $c, input: $i) {
        __typename ... on RuleViolation { rule localizedMessage } } }`,
      {
        c: randomUUID(),
        i: {
          householdId,
          effectiveAt: '2022-03-05',
          data: {
            alertId,
            outcome: 'taken_in',
            incomePerCapitaFen: 700_000,
            rigidExpenditureFen: 2_350_000,
            category: 'edge_vulnerable',
            risks: ['illness'],
          },
        },
      },
    );
    expect(above.data.verifyRiskAlert.rule).toBe('ABOVE_MONITORING_STANDARD');
    expect(above.data.verifyRiskAlert.localizedMessage).toContain('2022年监测标准 6,300.00 元');
    const verified = await ok(township, 'VerifyRiskAlert', {
      householdId,
      effectiveAt: '2022-03-05',
      data: {
        alertId,
        outcome: 'taken_in',
        incomePerCapitaFen: 520_000,
        rigidExpenditureFen: 2_350_000,
        category: 'edge_vulnerable',
        risks: ['illness'],
      },
    });
    const after = await queueOf(village, { area: VILLAGE, w: verified.position });
    expect(after).toMatchObject({ pending: 0, overdue: 0, items: [] });
    const all = await queueOf(village, { area: VILLAGE, pending: false });
    expect(all.items.find((i) => i.alert.alertId === alertId)?.alert).toMatchObject({
      overdue: false,
      verification: { outcome: 'taken_in', incomePerCapitaFen: 520_000, category: 'edge_vulnerable' },
    });
    const { data } = await query<{ household: { alerts: { alertId: string; verification: { outcome: string } }[] } }>(
      village,
      'query($id: ID!) { household(id: $id) { alerts { alertId verification { outcome } } } }',
      { id: householdId },
    );
    expect(data.household.alerts).toEqual([{ alertId, verification: { outcome: 'taken_in' } }]);

    // 识别认定: 民主评议 and 村内公示 by the village, 乡镇审核 by the township, 县级审定 by the county.
    await ok(village, 'RecordVillageReview', { householdId, effectiveAt: '2022-03-06', data: { approved: true } });
    await ok(village, 'OpenPublicNotice', { householdId, effectiveAt: '2022-03-06', data: {} });
    await ok(village, 'ClosePublicNotice', { householdId, effectiveAt: '2022-03-13' });
    const early = await send(county, 'ApproveMonitoring', { householdId, effectiveAt: '2022-03-14' });
    expect(early).toMatchObject({ __typename: 'RuleViolation', rule: 'OUT_OF_ORDER' });
    const reviewed = await ok(township, 'RecordTownshipReview', {
      householdId,
      effectiveAt: '2022-03-14',
      data: { approved: true },
    });
    const atCounty = await query<{ household: { openCase: { kind: string; step: string } } }>(
      county,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { openCase { kind step } } }',
      { id: householdId, w: reviewed.position },
    );
    expect(atCounty.data.household.openCase).toEqual({ kind: 'monitoring', step: 'county_decision' });
    const decided = await ok(county, 'ApproveMonitoring', { householdId, effectiveAt: '2022-03-15' });
    const monitored = await query<{
      household: {
        status: string;
        openCase: unknown;
        monitoring: { category: string; since: string; risks: string[] };
      };
    }>(
      county,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { status openCase { kind } monitoring { category since risks } } }',
      { id: householdId, w: decided.position },
    );
    expect(monitored.data.household).toEqual({
      status: 'rejected',
      openCase: null,
      monitoring: { category: 'edge_vulnerable', since: '2022-03-15', risks: ['illness'] },
    });
    // Its help: a helper (帮扶联系人) and a measure of the year, as for a registered household.
    await ok(village, 'AssignHelper', {
      householdId,
      effectiveAt: '2022-03-20',
      data: { helper: { helperId: 'cadre-017', name: '刘帮扶', unit: '镇农业服务中心' } },
    });
    await ok(village, 'PlanAssistance', {
      householdId,
      effectiveAt: '2022-03-25',
      data: {
        category: 'health_aid',
        description: '医疗救助，落实大病保险报销',
        amountFen: 600_000,
        fundingSource: 'county',
        year: 2022,
      },
    });

    // 风险消除: refused before six months monitored and below the standard, each named in Chinese.
    const conditions = {
      food: true,
      clothing: true,
      compulsoryEducation: true,
      basicMedical: true,
      safeHousing: true,
      safeDrinkingWater: true,
    };
    await ok(village, 'AssessConditions', {
      householdId,
      effectiveAt: '2022-08-01',
      data: { year: 2022, incomePerCapitaFen: 600_000, ...conditions },
    });
    const refused = await query<{
      proposeRiskElimination: { __typename: string; rule: string; localizedMessage: string };
    }>(
      village,
      `mutation($c: ID!, $i: ProposeRiskEliminationInput!) { proposeRiskElimination(commandId: $c, input: $i) {
        __typename ... on RuleViolation { rule localizedMessage } } }`,
      { c: randomUUID(), i: { householdId, effectiveAt: '2022-08-02', data: { year: 2022 } } },
    );
    expect(refused.data.proposeRiskElimination.rule).toBe('ELIMINATION_CRITERIA_UNMET');
    expect(refused.data.proposeRiskElimination.localizedMessage).toContain('2022年9月15日起方可申请');
    expect(refused.data.proposeRiskElimination.localizedMessage).toContain('至少还差 300.01 元');
    await ok(village, 'AssessConditions', {
      householdId,
      effectiveAt: '2022-11-15',
      data: { year: 2022, incomePerCapitaFen: 820_000, ...conditions },
    });
    await ok(village, 'ProposeRiskElimination', { householdId, effectiveAt: '2022-11-20', data: { year: 2022 } });
    await ok(village, 'RecordVillageReview', { householdId, effectiveAt: '2022-11-21', data: { approved: true } });
    await ok(village, 'OpenPublicNotice', { householdId, effectiveAt: '2022-11-21', data: {} });
    await ok(village, 'ClosePublicNotice', { householdId, effectiveAt: '2022-11-28' });
    const notCounty = await send(township, 'ApproveRiskElimination', { householdId, effectiveAt: '2022-11-29' });
    expect(notCounty).toMatchObject({ __typename: 'RuleViolation', rule: 'LEVEL_NOT_ALLOWED' });
    const eliminated = await ok(county, 'ApproveRiskElimination', { householdId, effectiveAt: '2022-11-29' });
    const released = await query<{ household: { monitoring: unknown; openCase: unknown } }>(
      county,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { monitoring { since } openCase { kind } } }',
      { id: householdId, w: eliminated.position },
    );
    expect(released.data.household).toEqual({ monitoring: null, openCase: null });

    // The village's 2022 monitoring indicators: one 医保 alert verified in time, taken in, eliminated.
    const figures = await query<{ areaIndicators: { monitoring: unknown } }>(
      village,
      `query($area: AreaCode!, $w: Position) { areaIndicators(areaCode: $area, year: 2022, waitFor: $w) { monitoring {
        alerts { raised byChannel { channel count } verified verifiedInTime due inTimeRate pending overdue byOutcome { outcome count } }
        started startedByCategory { category households } eliminated returnedToPoverty naturallyEnded
        endOfYear { households people withMeasures withMeasuresRate } } } }`,
      { area: VILLAGE, w: eliminated.position },
    );
    expect(figures.data.areaIndicators.monitoring).toEqual({
      alerts: {
        raised: 1,
        byChannel: [{ channel: 'department', count: 1 }],
        verified: 1,
        verifiedInTime: 1,
        due: 1,
        inTimeRate: 1,
        pending: 0,
        overdue: 0,
        byOutcome: [{ outcome: 'taken_in', count: 1 }],
      },
      started: 1,
      startedByCategory: [{ category: 'edge_vulnerable', households: 1 }],
      eliminated: 1,
      returnedToPoverty: 0,
      naturallyEnded: 0,
      endOfYear: { households: 0, people: 0, withMeasures: 0, withMeasuresRate: null },
    });
  });

  it('records a household not yet on file with its alert, on the village’s queue, holding its members’ ID numbers', async () => {
    const householdId = randomUUID();
    const head = person('head');
    const alertId = randomUUID();
    const raised = await ok(village, 'RaiseRiskAlert', {
      householdId,
      effectiveAt: '2023-05-10',
      data: {
        alertId,
        channel: 'cadre_visit',
        risks: ['illness'],
        detail: '排查发现：户主患重病，未建档',
        household: { villageCode: VILLAGE, address: '王庄9号' },
        members: [head],
      },
    });
    const { data } = await query<{
      household: { status: string; members: { nationalId: string }[]; alerts: { alertId: string }[] };
    }>(
      village,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { status members { nationalId } alerts { alertId } } }',
      { id: householdId, w: raised.position },
    );
    expect(data.household).toEqual({
      status: 'unregistered',
      members: [{ nationalId: head.nationalId }],
      alerts: [{ alertId }],
    });
    expect((await queueOf(village, { area: VILLAGE })).items.map((i) => i.alert.alertId)).toContain(alertId);
    // A sudden hardship (income above the standard, a great expense): helped before the decision.
    await ok(township, 'VerifyRiskAlert', {
      householdId,
      effectiveAt: '2023-05-12',
      data: {
        alertId,
        outcome: 'taken_in',
        incomePerCapitaFen: 900_000,
        rigidExpenditureFen: 12_000_000,
        category: 'sudden_hardship',
        risks: ['illness'],
      },
    });
    const helped = await ok(village, 'PlanAssistance', {
      householdId,
      effectiveAt: '2023-05-13',
      data: {
        category: 'health_aid',
        description: '先行落实临时救助',
        amountFen: 800_000,
        fundingSource: 'county',
        year: 2023,
      },
    });
    const during = await query<{ household: { openCase: { kind: string; step: string; category: string } } }>(
      village,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { openCase { kind step category } } }',
      { id: householdId, w: helped.position },
    );
    expect(during.data.household.openCase).toEqual({
      kind: 'monitoring',
      step: 'village_review',
      category: 'sudden_hardship',
    });
    // One person, one household: another alert naming the same person as a new household is refused.
    const again = await send(village, 'RaiseRiskAlert', {
      householdId: randomUUID(),
      effectiveAt: '2023-05-11',
      data: {
        channel: 'self_report',
        risks: ['illness'],
        detail: '重复登记',
        household: { villageCode: VILLAGE, address: '王庄9号' },
        members: [head],
      },
    });
    expect(again).toMatchObject({ __typename: 'RuleViolation', rule: 'NATIONAL_ID_IN_OTHER_HOUSEHOLD' });
    // A village clerk records no household of another village.
    const elsewhere = await send(village, 'RaiseRiskAlert', {
      householdId: randomUUID(),
      effectiveAt: '2023-05-11',
      data: {
        channel: 'self_report',
        risks: ['illness'],
        detail: '外村',
        household: { villageCode: TOWNSHIP.replace(/000$/, '299'), address: '外村1号' },
        members: [person('head')],
      },
    });
    expect(elsewhere.__typename).toBe('Forbidden');
  });

  it('refuses a bad alert naming the field, records nothing, and keeps another area’s queue apart', async () => {
    const { householdId, position } = await rejected('李庄4号');
    const bad = await send(village, 'RaiseRiskAlert', {
      householdId,
      effectiveAt: '2022-04-01',
      data: { channel: 'department', risks: [], detail: '筛查' },
    });
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.issues?.map((i) => i.path).sort()).toEqual(['input.data.department', 'input.data.risks']);
    const early = await send(village, 'RaiseRiskAlert', {
      householdId,
      effectiveAt: '2020-12-31',
      data: { channel: 'self_report', risks: ['illness'], detail: '申报' },
    });
    expect(early).toMatchObject({ __typename: 'RuleViolation', rule: 'MONITORING_NOT_IN_FORCE' });
    const { data } = await query<{ household: { alerts: unknown[] } }>(
      village,
      'query($id: ID!, $w: Position) { household(id: $id, waitFor: $w) { alerts { alertId } } }',
      { id: householdId, w: position },
    );
    expect(data.household.alerts).toEqual([]);
    const other = await query<{ riskAlerts: Queue }>(village, QUEUE, { area: TOWNSHIP.replace(/101000$/, '102000') });
    expect(other.data).toBeNull();
    expect(JSON.stringify(other.errors)).toContain('FORBIDDEN');
  });
});
