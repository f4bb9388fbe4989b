import { randomUUID } from 'node:crypto';
import { verifyLog } from '@registry/eventstore/log';
import { ALL_CONDITIONS_MET, maskNationalId } from '@registry/schema';
import ExcelJS from 'exceljs';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskName } from '../src/mask.js';
import {
  admin,
  assessor,
  countyClerk,
  evaluator,
  OTHER_TOWNSHIP,
  ok,
  otherClerk,
  person,
  query,
  type Result,
  type RunningApi,
  send,
  startApi,
  TOWNSHIP,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

const HOUSEHOLD = `query Household($id: ID!, $waitFor: Position) {
  household(id: $id, waitFor: $waitFor) {
    id status version cardNumber attribute mainCause memberCount villageCode townshipCode
    members { name nationalId relation }
    helper { name }
    latestAssessment { year incomePerCapitaFen }
    measures { category amountFen deliveredFen status }
    exits { year exitedOn }
    returns { returnedOn mainCause }
    visits(year: 2019) { visitedOn }
  }
}`;

describe('a household from application to return to poverty, through GraphQL over HTTP', () => {
  let api: RunningApi;
  let clerk: GraphQLClient;
  let village: GraphQLClient;
  let county: GraphQLClient;
  const householdId = randomUUID();
  const head = person('head');
  const spouse = person('spouse', 'female', '1972-03-08');
  const at = (effectiveAt: string, data?: unknown, reason?: string) => ({
    householdId,
    effectiveAt,
    ...(data ? { data } : {}),
    ...(reason ? { reason } : {}),
  });
  let last: Result;
  let refusedExit: Result;
  let exitRecordedAt: string;
  let registrationEventId: string;

  beforeAll(async () => {
    api = await startApi('api_workflow');
    clerk = await api.client(townshipClerk);
    village = await api.client(villageClerk);
    county = await api.client(countyClerk);

    await ok(
      village,
      'ApplyForRegistration',
      at('2015-03-01', {
        household: {
          villageCode: VILLAGE,
          address: '张庄村18号',
          phone: '13812345678',
          bankAccount: '6228480012345678901',
        },
        members: [head, spouse],
        statement: '因病致贫，申请建档立卡',
      }),
    );
    await ok(village, 'RecordVillageReview', at('2015-03-10', { approved: true, votesFor: 31, votesAgainst: 2 }));
    await ok(village, 'OpenPublicNotice', at('2015-03-11'));
    await ok(village, 'ClosePublicNotice', at('2015-03-18'));
    await ok(clerk, 'RecordTownshipReview', at('2015-03-25', { approved: true }));
    await ok(clerk, 'OpenPublicNotice', at('2015-03-26'));
    await ok(clerk, 'ClosePublicNotice', at('2015-04-02'));
    await ok(county, 'RecordDataComparison', at('2015-04-10', { findings: [] }));
    const registered = await ok(
      county,
      'ApproveRegistration',
      at('2015-04-20', {
        cardNumber: 'C-0001',
        attribute: 'ordinary',
        mainCause: 'illness',
        otherCauses: ['lack_of_capital'],
      }),
    );
    registrationEventId = registered.events?.[0]?.id as string;
    await ok(
      clerk,
      'AssignHelper',
      at('2015-05-01', {
        helper: { helperId: 'cadre-042', name: '王帮扶', unit: '县农业农村局', phone: '13900001111' },
      }),
    );
    const measureId = randomUUID();
    await ok(
      clerk,
      'PlanAssistance',
      at('2016-03-01', {
        measureId,
        category: 'industry',
        description: '养殖肉牛两头',
        amountFen: 1_200_000,
        fundingSource: 'central',
        year: 2016,
      }),
    );
    await ok(clerk, 'RecordAssistanceDelivered', at('2016-05-01', { measureId, amountFen: 1_200_000 }));
    await ok(clerk, 'ChangeMeasureStatus', at('2016-06-01', { measureId, status: 'completed' }));
    for (const month of ['02', '04', '06', '08', '10', '11']) {
      await ok(clerk, 'RecordVisit', at(`2019-${month}-15`, { notes: '入户走访，了解养殖情况' }));
    }
    const conditions = ALL_CONDITIONS_MET;
    await ok(clerk, 'AssessConditions', at('2019-10-15', { year: 2019, incomePerCapitaFen: 300_000, ...conditions }));
    refusedExit = await send(village, 'ProposeExit', at('2019-10-20', { year: 2019 }));
    await ok(clerk, 'AssessConditions', at('2019-11-15', { year: 2019, incomePerCapitaFen: 720_000, ...conditions }));
    await ok(village, 'ProposeExit', at('2019-11-20', { year: 2019 }));
    await ok(village, 'RecordVillageReview', at('2019-11-25', { approved: true }));
    await ok(village, 'OpenPublicNotice', at('2019-11-26'));
    await ok(village, 'ClosePublicNotice', at('2019-12-03'));
    await ok(village, 'ConfirmExit', at('2019-12-05', { signedByMemberId: head.memberId }));
    await ok(clerk, 'VerifyExit', at('2019-12-10'));
    const exited = await ok(county, 'ApproveExit', at('2019-12-31'));
    exitRecordedAt = (
      await query<{ household: { history: { edges: { node: { type: string; recordedAt: string } }[] } } }>(
        clerk,
        `query($id: ID!, $p: Position) { household(id: $id, waitFor: $p) { history(first: 500) { edges { node { type recordedAt } } } } }`,
        { id: householdId, p: exited.position },
      )
    ).data.household.history.edges.find((e) => e.node.type === 'ExitApproved')?.node.recordedAt as string;
    last = await ok(
      clerk,
      'ReportReturnToPoverty',
      at('2021-03-01', { attribute: 'ordinary', mainCause: 'illness' }, '家人重病，医疗支出大'),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses the exit while the criteria are unmet, naming them', () => {
    expect(refusedExit.__typename).toBe('RuleViolation');
    expect(refusedExit.rule).toBe('EXIT_CRITERIA_UNMET');
    expect(refusedExit.unmetCriteria).toContain('income_above_line');
  });

  it('household: the read model after the last write, with the actor and facts recorded', async () => {
    const { data } = await query<{ household: Record<string, unknown> }>(clerk, HOUSEHOLD, {
      id: householdId,
      waitFor: last.position,
    });
    expect(data.household).toMatchObject({
      id: householdId,
      status: 'returned',
      version: last.version,
      cardNumber: 'C-0001',
      attribute: 'ordinary',
      mainCause: 'illness',
      memberCount: 2,
      villageCode: VILLAGE,
      townshipCode: TOWNSHIP,
      helper: { name: '王帮扶' },
      latestAssessment: { year: 2019, incomePerCapitaFen: 720_000 },
      measures: [{ category: 'industry', amountFen: 1_200_000, deliveredFen: 1_200_000, status: 'completed' }],
      exits: [{ year: 2019, exitedOn: '2019-12-31' }],
      returns: [{ returnedOn: '2021-03-01', mainCause: 'illness' }],
    });
    expect(data.household.members).toContainEqual({ name: head.name, nationalId: head.nationalId, relation: 'head' });
    expect(data.household.visits).toHaveLength(6);
  });

  it('history: every event with type, actor from the token, both clocks and the reason', async () => {
    const { data } = await query<{
      household: {
        history: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: {
            node: {
              type: string;
              revision: number;
              effectiveAt: string;
              recordedAt: string;
              reason: string | null;
              actor: { id: string; role: string; unit: string };
            };
          }[];
        };
      };
    }>(
      clerk,
      `query($id: ID!) { household(id: $id) { history(first: 3) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { type revision effectiveAt recordedAt reason actor { id role unit } } } } } }`,
      { id: householdId },
    );
    const history = data.household.history;
    expect(history.totalCount).toBe((last.version as number) + 1);
    expect(history.edges.map((e) => e.node.type)).toEqual([
      'ApplicationSubmitted',
      'VillageReviewRecorded',
      'PublicNoticeOpened',
    ]);
    expect(history.edges[0]?.node).toMatchObject({
      revision: 0,
      effectiveAt: '2015-03-01',
      actor: { id: 'clerk-zhao', role: 'clerk', unit: '张庄村村委会' },
    });
    expect(history.pageInfo.hasNextPage).toBe(true);
    const next = await query<{
      household: { history: { edges: { node: { revision: number; reason: string | null } }[] } };
    }>(
      clerk,
      `query($id: ID!, $after: String) { household(id: $id) { history(first: 500, after: $after) { edges { node { revision reason } } } } }`,
      { id: householdId, after: history.pageInfo.endCursor },
    );
    const rest = next.data.household.history.edges.map((e) => e.node);
    expect(rest[0]?.revision).toBe(3);
    expect(rest.at(-1)).toEqual({ revision: last.version, reason: '家人重病，医疗支出大' });
  });

  it('timeline: the state after each event', async () => {
    const { data } = await query<{ household: { timeline: { event: { type: string }; state: { status: string } }[] } }>(
      clerk,
      `query($id: ID!) { household(id: $id) { timeline { event { type } state { status } } } }`,
      { id: householdId },
    );
    const steps = data.household.timeline.map((s) => `${s.event.type}:${s.state.status}`);
    expect(steps[0]).toBe('ApplicationSubmitted:applicant');
    expect(steps).toContain('RegistrationApproved:registered');
    expect(steps).toContain('ExitApproved:exited');
    expect(steps.at(-1)).toBe('ReturnedToPoverty:returned');
  });

  it('asOf: the state on business dates, as known at different times', async () => {
    const asOf = async (effectiveOn: string, knownAt?: string) =>
      (
        await query<{ household: { asOf: { status: string; exits: unknown[] } } }>(
          clerk,
          `query($id: ID!, $d: Date!, $k: DateTime) { household(id: $id) { asOf(effectiveOn: $d, knownAt: $k) { status exits { year } } } }`,
          { id: householdId, d: effectiveOn, k: knownAt },
        )
      ).data.household.asOf;
    expect((await asOf('2015-03-05')).status).toBe('applicant');
    expect((await asOf('2019-06-30')).status).toBe('registered');
    expect((await asOf('2020-06-30')).status).toBe('exited');
    expect((await asOf('2021-06-30')).status).toBe('returned');
    // Effective 2020, but as known just before the exit approval was recorded: still registered.
    const justBefore = new Date(Date.parse(exitRecordedAt) - 1).toISOString();
    expect(await asOf('2020-06-30', justBefore)).toEqual({ status: 'registered', exits: [] });
    expect((await asOf('2020-06-30', exitRecordedAt)).status).toBe('exited');
  });

  it('registrySnapshot: the same answer for the same arguments, even after a later correction', async () => {
    const snapshotQuery = `query($area: AreaCode!, $d: Date!, $k: DateTime, $p: Position) {
      registrySnapshot(areaCode: $area, effectiveOn: $d, knownAt: $k, waitFor: $p, purpose: "核对时点名册") {
        knownAt households people byStatus { status households people }
        rows(first: 10) { edges { node { householdId status attribute memberCount cardNumber headName headNationalId } } }
      } }`;
    const first = await query<{
      registrySnapshot: { knownAt: string; rows: { edges: { node: { attribute: string } }[] } };
    }>(clerk, snapshotQuery, { area: TOWNSHIP, d: '2019-06-30', p: last.position });
    const cutOff = first.data.registrySnapshot.knownAt;
    expect(first.data.registrySnapshot).toMatchObject({
      households: 1,
      people: 2,
      byStatus: [{ status: 'registered', households: 1, people: 2 }],
    });
    expect(first.data.registrySnapshot.rows.edges[0]?.node).toEqual({
      householdId,
      status: 'registered',
      attribute: 'ordinary',
      memberCount: 2,
      cardNumber: 'C-0001',
      headName: head.name,
      headNationalId: head.nationalId,
    });

    // After the assessment cut-off the county corrects the attribute recorded at its approval:
    // the approval is the county's duty, and so is its correction (the village and township may not).
    const correction = at(
      '2015-04-20',
      {
        eventId: registrationEventId,
        action: 'replace',
        replacementData: {
          cardNumber: 'C-0001',
          attribute: 'low_income_guarantee',
          mainCause: 'illness',
          otherCauses: ['lack_of_capital'],
        },
      },
      '复核发现属低保户，更正户属性',
    );
    for (const lower of [village, clerk]) {
      expect(await send(lower, 'CorrectEvent', correction)).toMatchObject({
        __typename: 'RuleViolation',
        rule: 'LEVEL_NOT_ALLOWED',
      });
    }
    const corrected = await ok(county, 'CorrectEvent', correction);
    const again = await query<{ registrySnapshot: unknown }>(clerk, snapshotQuery, {
      area: TOWNSHIP,
      d: '2019-06-30',
      k: cutOff,
      p: corrected.position,
    });
    expect(again.data.registrySnapshot).toEqual(first.data.registrySnapshot);
    const now = await query<{ registrySnapshot: { rows: { edges: { node: { attribute: string } }[] } } }>(
      clerk,
      snapshotQuery,
      { area: TOWNSHIP, d: '2019-06-30' },
    );
    expect(now.data.registrySnapshot.rows.edges[0]?.node.attribute).toBe('low_income_guarantee');
  });

  it('areaIndicators: the exit counted in its year, incidence from the recorded rural population', async () => {
    const adminClient = await api.client(admin);
    const population = await query<{ recordRuralPopulation: { __typename: string; position: string } }>(
      adminClient,
      `mutation($c: ID!, $i: RecordRuralPopulationInput!) { recordRuralPopulation(commandId: $c, input: $i) {
        __typename ... on ReferenceSuccess { position } } }`,
      { c: randomUUID(), i: { areaCode: TOWNSHIP, year: 2021, population: 200, effectiveAt: '2021-12-31' } },
    );
    expect(population.data.recordRuralPopulation.__typename).toBe('ReferenceSuccess');
    await api.infrastructure.runners[1]?.status();
    const indicators = async (year: number) =>
      (
        await query<{ areaIndicators: Record<string, unknown> }>(
          await api.client(evaluator),
          `query($a: AreaCode!, $y: Int!) { areaIndicators(areaCode: $a, year: $y) {
            year endOfYear { registeredHouseholds registeredPeople } during { exits returns registrations }
            ruralPopulation povertyIncidence visits { minimumPerYear compliant householdsOnRoll } } }`,
          { a: TOWNSHIP, y: year },
        )
      ).data.areaIndicators;
    expect(await indicators(2019)).toMatchObject({
      during: { exits: 1, returns: 0, registrations: 0 },
      endOfYear: { registeredHouseholds: 0 },
    });
    // The reference runner is separate from the registry's: poll until the population shows.
    let y2021 = await indicators(2021);
    for (let i = 0; i < 50 && y2021.ruralPopulation === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      y2021 = await indicators(2021);
    }
    expect(y2021).toMatchObject({
      during: { returns: 1 },
      endOfYear: { registeredHouseholds: 1, registeredPeople: 2 },
      ruralPopulation: 200,
      povertyIncidence: 0.01,
    });
  });

  it('auditTrail: the evaluator sees each event with its actor, filtered by household and type', async () => {
    const { data } = await query<{ auditTrail: { edges: { node: Record<string, unknown> }[] } }>(
      await api.client(evaluator),
      `query($h: ID!) { auditTrail(filter: { householdId: $h, eventType: "ReturnedToPoverty" }, first: 10) {
        edges { node { eventType actorId actorRole actorUnit effectiveAt reason householdId } } } }`,
      { h: householdId },
    );
    expect(data.auditTrail.edges.map((e) => e.node)).toEqual([
      {
        eventType: 'ReturnedToPoverty',
        actorId: 'clerk-zhang',
        actorRole: 'clerk',
        actorUnit: '城关镇扶贫办',
        effectiveAt: '2021-03-01',
        reason: '家人重病，医疗支出大',
        householdId,
      },
    ]);
  });

  it('exitReview: replayed under a stricter line, the exit fails on income', async () => {
    const review = async (policy?: unknown) =>
      (
        await query<{
          exitReview: {
            exits: number;
            failing: number;
            households: { exits: { passes: boolean; unmet: string[] }[] }[];
          };
        }>(
          await api.client(evaluator),
          `query($a: AreaCode!, $p: PolicyInput) { exitReview(areaCode: $a, policy: $p) {
            __typename ... on ExitReview { exits failing households { exits { passes unmet } } } } }`,
          { a: TOWNSHIP, p: policy },
        )
      ).data.exitReview;
    expect(await review()).toMatchObject({ exits: 1, failing: 0 });
    const strict = await review({
      id: 'strict-2019',
      provincialIncomeLines: [{ province: '32', year: 2019, lineFen: 800_000 }],
    });
    expect(strict).toMatchObject({ exits: 1, failing: 1 });
    expect(strict.households[0]?.exits[0]?.unmet).toEqual(['income_above_line']);
  });

  it('the same commandId twice appends once', async () => {
    const commandId = randomUUID();
    const input = at('2021-04-01', { notes: '返贫后首次走访' });
    const first = await ok(clerk, 'RecordVisit', input, { commandId });
    const second = await ok(clerk, 'RecordVisit', input, { commandId });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, version: first.version, position: first.position });
    const { data } = await query<{ household: { version: number; history: { totalCount: number } } }>(
      clerk,
      `query($id: ID!, $p: Position) { household(id: $id, waitFor: $p) { version history { totalCount } } }`,
      { id: householdId, p: second.position },
    );
    expect(data.household).toEqual({ version: first.version, history: { totalCount: (first.version as number) + 1 } });
  });

  it('every error type, produced on purpose', async () => {
    const badId = { ...person('head'), nationalId: '320924197005120000' };
    const invalid = await send(clerk, 'ApplyForRegistration', {
      householdId: randomUUID(),
      effectiveAt: '2015-02-28',
      data: { household: { villageCode: VILLAGE, address: '  ' }, members: [badId] },
    });
    expect(invalid.__typename).toBe('ValidationError');
    expect(invalid.issues?.map((i) => i.path)).toEqual(
      expect.arrayContaining(['input.data.members.0.nationalId', 'input.data.household.address']),
    );

    const { data } = await query<{ household: { version: number } }>(
      clerk,
      `query($id: ID!) { household(id: $id) { version } }`,
      {
        id: householdId,
      },
    );
    const stale = await send(clerk, 'RecordVisit', at('2021-05-01', { notes: '走访' }), {
      expectedVersion: data.household.version - 1,
    });
    expect(stale).toMatchObject({
      __typename: 'ConcurrencyConflict',
      expectedVersion: data.household.version - 1,
      actualVersion: data.household.version,
    });

    const missing = await send(clerk, 'RecordVisit', {
      householdId: randomUUID(),
      effectiveAt: '2021-05-01',
      data: { notes: '走访' },
    });
    expect(missing.__typename).toBe('NotFound');

    // Another area's household answers exactly as an unknown one: its existence is not told.
    const notMine = await send(await api.client(otherClerk), 'RecordVisit', at('2021-05-01', { notes: '走访' }));
    expect(notMine.__typename).toBe('NotFound');
    expect(notMine.message).toBe(`household ${householdId} is not in the registry`);

    const notAClerk = await send(await api.client(evaluator), 'RecordVisit', at('2021-05-01', { notes: '走访' }));
    expect(notAClerk).toMatchObject({ __typename: 'Forbidden' });

    const applyElsewhere = await send(await api.client(otherClerk), 'ApplyForRegistration', {
      householdId: randomUUID(),
      effectiveAt: '2015-03-01',
      data: { household: { villageCode: VILLAGE, address: '张庄村2号' }, members: [person('head')] },
    });
    expect(applyElsewhere.__typename).toBe('Forbidden');

    // Nothing was written by any of these.
    const after = await query<{ household: { version: number } }>(
      clerk,
      `query($id: ID!) { household(id: $id) { version } }`,
      {
        id: householdId,
      },
    );
    expect(after.data.household.version).toBe(data.household.version);
  });

  it('a clerk of another township can neither read nor change this household', async () => {
    const other = await api.client(otherClerk);
    const read = await query<{ household: unknown }>(other, `query($id: ID!) { household(id: $id) { status } }`, {
      id: householdId,
    });
    // Null and no error, as for an id never used: nobody learns what exists in another area.
    expect(read.data.household).toBeNull();
    expect(read.errors).toBeUndefined();
    const list = await query<{ households: { totalCount: number } }>(other, `{ households { totalCount } }`);
    expect(list.data.households.totalCount).toBe(0);
    const foreignArea = await query<{ households: unknown }>(
      other,
      `query($a: AreaCode!) { households(filter: { areaCode: $a }) { totalCount } }`,
      { a: TOWNSHIP },
    );
    expect(foreignArea.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('an assessor never sees an unmasked ID number, phone or bank account', async () => {
    const client = await api.client(assessor);
    const raw = JSON.stringify(
      await query(
        client,
        `query($id: ID!) { household(id: $id) {
          phone bankAccount members { nationalId } helper { phone }
          history(first: 100) { edges { node { type data } } }
          timeline { state { members { nationalId } phone } }
          asOf(effectiveOn: "2016-01-01") { members { nationalId } }
        }
        registrySnapshot(areaCode: "${TOWNSHIP}", effectiveOn: "2016-01-01") { rows { edges { node { headNationalId } } } }
        households(filter: { text: "${head.name}" }) { edges { node { members { nationalId } } } } }`,
        { id: householdId },
      ),
    );
    expect(raw).toContain('"members"');
    for (const secret of [
      head.nationalId,
      spouse.nationalId,
      '13812345678',
      '6228480012345678901',
      '13900001111',
      head.name,
      spouse.name,
      head.birthDate,
      spouse.birthDate,
    ]) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).toContain(`${head.nationalId.slice(0, 6)}***********${head.nationalId.slice(17)}`);
    const byId = await query<{ households: { totalCount: number } }>(
      client,
      `query($t: String!) { households(filter: { text: $t }) { totalCount } }`,
      { t: head.nationalId },
    );
    expect(byId.data.households.totalCount).toBe(0);
  });

  it('export: the snapshot as CSV and JSON lines, masked for assessors only', async () => {
    // Anyone who sees it unmasked states why (it is recorded with the read); assessors need not.
    const PURPOSE = encodeURIComponent('报送县扶贫办');
    const download = async (claims: typeof assessor, format: string) => {
      const response = await fetch(
        `${api.url}/export/snapshot?areaCode=${TOWNSHIP}&effectiveOn=2020-06-30&format=${format}&purpose=${PURPOSE}`,
        { headers: { authorization: `Bearer ${await api.token(claims)}` } },
      );
      expect(response.status).toBe(200);
      return response.text();
    };
    // The office's CSV: a byte-order mark (Excel on Chinese Windows reads UTF-8 by it), Chinese
    // headers and labels, codes in their own columns.
    const bytes = Buffer.from(
      await (
        await fetch(`${api.url}/export/snapshot?areaCode=${TOWNSHIP}&effectiveOn=2020-06-30`, {
          headers: { authorization: `Bearer ${await api.token(assessor)}` },
        })
      ).arrayBuffer(),
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    const [header, row, ...rest] = csv.trim().split('\n');
    expect(header).toBe('卡号,户主姓名,户主身份证号,乡镇,行政村,行政村代码,状态,贫困户属性,监测对象类型,家庭人口,户ID');
    expect(rest).toEqual([]);
    expect(row).toBe(
      `C-0001,${maskName(head.name)},${maskNationalId(head.nationalId)},临海镇,新东村,${VILLAGE},已脱贫,低保贫困户,,2,${householdId}`,
    );
    expect(csv).not.toContain(head.nationalId);
    expect(csv).not.toContain(head.name);
    // The office's .xlsx, read back: the same columns, the ID number as text (all 18 characters).
    const xlsx = async (claims: typeof assessor) => {
      const response = await fetch(
        `${api.url}/export/snapshot?areaCode=${TOWNSHIP}&effectiveOn=2020-06-30&format=xlsx&purpose=${PURPOSE}`,
        { headers: { authorization: `Bearer ${await api.token(claims)}` } },
      );
      expect(response.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await response.arrayBuffer());
      const sheet = book.worksheets[0];
      return sheet ? sheet.getSheetValues().flatMap((r) => (Array.isArray(r) ? [r.slice(1)] : [])) : [];
    };
    const forEvaluator = await xlsx(evaluator);
    expect(forEvaluator).toEqual([
      [
        '卡号',
        '户主姓名',
        '户主身份证号',
        '乡镇',
        '行政村',
        '行政村代码',
        '状态',
        '贫困户属性',
        '监测对象类型',
        '家庭人口',
        '户ID',
      ],
      // Not monitored: an empty cell.
      [
        'C-0001',
        head.name,
        head.nationalId,
        '临海镇',
        '新东村',
        VILLAGE,
        '已脱贫',
        '低保贫困户',
        undefined,
        2,
        householdId,
      ],
    ]);
    expect(JSON.stringify(await xlsx(assessor))).not.toContain(head.nationalId);
    const jsonl = await download(evaluator, 'jsonl');
    expect(JSON.parse(jsonl.trim())).toMatchObject({ household_id: householdId, head_national_id: head.nationalId });
    const outside = await fetch(`${api.url}/export/snapshot?areaCode=${OTHER_TOWNSHIP}&effectiveOn=2020-06-30`, {
      headers: { authorization: `Bearer ${await api.token(townshipClerk)}` },
    });
    expect(outside.status).toBe(403);
    const bad = await fetch(`${api.url}/export/snapshot?areaCode=${TOWNSHIP}&effectiveOn=2020-02-30`, {
      headers: { authorization: `Bearer ${await api.token(townshipClerk)}` },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'effectiveOn: must be a date that exists in the calendar',
      localizedMessage: '输入有误：业务日期：日期不存在',
    });
  });

  it('the service seals its log as it runs: a head signed on demand covers every event, and the log verifies', async () => {
    const stored = Number((await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]?.n);
    // Sealing reads the log as readers do: an event committed a moment ago stays hidden while an
    // older transaction (a projection's batch) is open; the head covers it once it is visible.
    await expect.poll(async () => (await api.infrastructure.log.signNow()).treeSize, { timeout: 15_000 }).toBe(stored);
    const report = await verifyLog(api.infrastructure.eventStore, api.db.pool, api.infrastructure.log.publicKey);
    expect(report).toMatchObject({ events: stored, sealed: stored, unsealed: 0 });
    expect(report.difference).toBeUndefined();
  });
});
