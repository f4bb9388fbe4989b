import { type AreaReferenceHandler, deriveId, type HouseholdCommandHandler } from '@registry/registry';
import { type Actor, ALL_CONDITIONS_MET, type Member, nationalIdCheckChar } from '@registry/schema';
import type { DemoArea } from './console.js';

/**
 * `--demo`: a small county (射阳县, code 320924) written through the command handlers, so
 * every rule is enforced: two townships, four villages, 24 households identified in 2015,
 * most exited in 2018–2019 (one refused first for low income), one returned to poverty in
 * 2021, one exited household and two edge households monitored from 2020, one removed after data comparison, and rural population
 * per township and village; then 防返贫动态监测 (demoMonitoring): alerts of 2022–2026 verified in
 * time or late, two households taken in through identification, two risks eliminated, and one
 * alert still waiting. Ids derive from fixed names, so loading twice writes nothing new.
 */
export const DEMO_COUNTY = '320924000000';
export const DEMO_TOWNSHIPS = ['320924101000', '320924102000'] as const;
const VILLAGES = ['320924101201', '320924101202', '320924102201', '320924102202'] as const;

/** The demo county's areas, for the console's demo sign-in: named as the national register names them (射阳县, its towns 临海镇 and 千秋镇). */
export const DEMO_AREAS = [
  { code: DEMO_COUNTY, name: '射阳县', level: 'county' },
  { code: DEMO_TOWNSHIPS[0], name: '射阳县临海镇', level: 'township' },
  { code: VILLAGES[0], name: '临海镇新东村', level: 'village' },
  { code: VILLAGES[1], name: '临海镇后涧村', level: 'village' },
  { code: DEMO_TOWNSHIPS[1], name: '射阳县千秋镇', level: 'township' },
  { code: VILLAGES[2], name: '千秋镇推广村', level: 'village' },
  { code: VILLAGES[3], name: '千秋镇滨兴村', level: 'village' },
] as const satisfies readonly DemoArea[];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
const GIVEN = ['建国', '秀英', '志强', '桂兰', '海燕', '德明', '春梅', '永福', '玉珍', '国华', '红梅', '长江'];
const CAUSES = ['illness', 'disability', 'lack_of_labour', 'lack_of_skills', 'lack_of_capital', 'schooling'] as const;

const clerk = (township: string): Actor => ({
  id: `demo-clerk-${township.slice(6, 9)}`,
  role: 'clerk',
  unit: township,
});

/** The county's approver: an approval is never recorded by who recorded the review before it. */
const APPROVER: Actor = { id: 'demo-county-approver', role: 'clerk', unit: '320924000000' };
const APPROVALS: ReadonlySet<string> = new Set(['ApproveRegistration', 'ApproveExit']);

function member(household: number, index: number, relation: Member['relation'], birthYear: number): Member {
  const sex = index % 2 === 0 ? 'male' : 'female';
  const birthDate = `${birthYear}-0${1 + (household % 9)}-1${index}`;
  const order = (household * 10 + index) * 2 + (sex === 'male' ? 1 : 0);
  const first17 = `320924${birthDate.replaceAll('-', '')}${String(order % 1000).padStart(3, '0')}`;
  return {
    memberId: deriveId(`demo-household-${household}`, `member-${index}`),
    nationalId: first17 + nationalIdCheckChar(first17),
    name: `${SURNAMES[household % SURNAMES.length]}${GIVEN[(household + index * 5) % GIVEN.length]}`,
    sex,
    birthDate,
    relation,
    health: household % 5 === 0 && index === 0 ? 'chronic_illness' : 'healthy',
    labourCapacity: relation === 'child' ? 'none' : 'ordinary',
    schooling: relation === 'child' ? 'primary' : 'not_in_school',
    insurance: { basicMedical: true, seriousIllness: index === 0, pension: relation !== 'child' },
  };
}

export interface DemoResult {
  households: number;
  commands: number;
  lastPosition: string | undefined;
}

export async function loadDemo(handler: HouseholdCommandHandler, reference: AreaReferenceHandler): Promise<DemoResult> {
  let commands = 0;
  let lastPosition: string | undefined;
  const total = 24;
  for (let h = 0; h < total; h++) {
    const village = VILLAGES[h % VILLAGES.length] as string;
    const actor = clerk(`${village.slice(0, 9)}000`);
    const householdId = deriveId(`demo-household-${h}`, 'household');
    let n = 0;
    const send = async (type: string, effectiveAt: string, data: unknown = {}, reason?: string) => {
      const result = await handler.handle(
        { commandId: `demo-${h}-${++n}`, householdId, effectiveAt, ...(reason ? { reason } : {}) },
        type,
        data,
        APPROVALS.has(type) ? APPROVER : actor,
      );
      commands++;
      lastPosition = result.position;
      return result;
    };
    const members = [member(h, 0, 'head', 1960 + (h % 15)), member(h, 1, 'spouse', 1962 + (h % 15))];
    if (h % 3 === 0) members.push(member(h, 2, 'child', 2008 + (h % 5)));
    await send('ApplyForRegistration', '2015-03-02', {
      household: {
        villageCode: village,
        group: `${1 + (h % 4)}组`,
        address: `${1 + h}号`,
        phone: `1381234${String(h).padStart(4, '0')}`,
      },
      members,
    });
    await send('RecordVillageReview', '2015-03-10', { approved: true, votesFor: 28, votesAgainst: 1 });
    await send('OpenPublicNotice', '2015-03-11');
    await send('ClosePublicNotice', '2015-03-18');
    await send('RecordTownshipReview', '2015-03-25', { approved: true });
    await send('OpenPublicNotice', '2015-03-26');
    await send('ClosePublicNotice', '2015-04-02');
    const removed = h === 7;
    await send('RecordDataComparison', '2015-04-10', {
      findings: removed
        ? [{ agency: 'vehicles', disqualifying: false, detail: '家庭成员名下登记小型货车一辆（营运用）' }]
        : [],
    });
    const cause = CAUSES[h % CAUSES.length] as (typeof CAUSES)[number];
    await send('ApproveRegistration', '2015-04-20', {
      cardNumber: `320924-2015-${String(h + 1).padStart(4, '0')}`,
      attribute: h % 6 === 5 ? 'low_income_guarantee' : 'ordinary',
      mainCause: cause,
      otherCauses: cause === 'lack_of_capital' ? [] : ['lack_of_capital'],
    });
    await send('AssignHelper', '2015-05-01', {
      helper: {
        helperId: `cadre-${h % 6}`,
        name: `帮扶干部${(h % 6) + 1}`,
        unit: '县农业农村局',
        phone: '13900001111',
      },
    });
    if (removed) {
      await send(
        'RemoveFromRegistry',
        '2016-06-30',
        { evidence: { source: 'review', review: '复核：家庭经营货运，人均收入明显高于标准' } },
        '识别不精准，清退',
      );
      continue;
    }
    const measureId = deriveId(`demo-household-${h}`, 'measure');
    await send('PlanAssistance', '2016-03-01', {
      measureId,
      category: h % 2 === 0 ? 'industry' : 'employment',
      description: h % 2 === 0 ? '发展养殖，扶持肉羊五只' : '介绍到县工业园务工',
      amountFen: 500_000 + h * 10_000,
      fundingSource: h % 3 === 0 ? 'central' : 'provincial',
      year: 2016,
    });
    await send('RecordAssistanceDelivered', '2016-05-01', { measureId, amountFen: 500_000 + h * 10_000 });
    const exitYear = h % 4 === 3 ? undefined : h % 2 === 0 ? 2018 : 2019;
    for (let year = 2016; year <= (exitYear ?? 2020); year++) {
      for (const month of ['02', '04', '06', '08', '10', '12']) {
        await send('RecordVisit', `${year}-${month}-1${h % 9}`, { notes: '入户走访' });
      }
    }
    if (!exitYear) continue;
    const conditions = ALL_CONDITIONS_MET;
    if (h === 1) {
      // Low income: the proposal is refused (RuleViolation), then the income rises.
      await send('AssessConditions', `${exitYear}-09-15`, {
        year: exitYear,
        incomePerCapitaFen: 350_000,
        ...conditions,
      });
      await handler
        .handle(
          { commandId: `demo-${h}-refused`, householdId, effectiveAt: `${exitYear}-09-20` },
          'ProposeExit',
          { year: exitYear },
          actor,
        )
        .catch(() => undefined);
    }
    await send('AssessConditions', `${exitYear}-11-15`, {
      year: exitYear,
      incomePerCapitaFen: 700_000 + h * 5_000,
      ...conditions,
    });
    await send('ProposeExit', `${exitYear}-11-20`, { year: exitYear });
    await send('RecordVillageReview', `${exitYear}-11-25`, { approved: true });
    await send('OpenPublicNotice', `${exitYear}-11-26`);
    await send('ClosePublicNotice', `${exitYear}-12-03`);
    await send('ConfirmExit', `${exitYear}-12-05`, { signedByMemberId: members[0]?.memberId });
    await send('VerifyExit', `${exitYear}-12-10`);
    await send('ApproveExit', `${exitYear}-12-31`);
    if (h === 2) {
      await send(
        'ReportReturnToPoverty',
        '2021-03-01',
        { attribute: 'ordinary', mainCause: 'illness' },
        '户主突发重病',
      );
    } else if (h === 4) {
      await send('StartMonitoring', '2020-09-01', { category: 'unstable_exited', risks: ['务工收入不稳定'] });
    }
  }
  // Edge households (边缘易致贫户), never registered, monitored from 2020.
  for (let e = 0; e < 2; e++) {
    const h = total + e;
    const village = VILLAGES[e] as string;
    const householdId = deriveId(`demo-household-${h}`, 'household');
    const result = await handler.handle(
      { commandId: `demo-${h}-1`, householdId, effectiveAt: '2020-07-01' },
      'StartMonitoring',
      {
        category: 'edge_vulnerable',
        risks: ['因病支出较大'],
        household: { villageCode: village, address: `${100 + e}号` },
        members: [member(h, 0, 'head', 1958), member(h, 1, 'spouse', 1960)],
      },
      clerk(`${village.slice(0, 9)}000`),
    );
    commands++;
    lastPosition = result.position;
  }
  const monitoring = await demoMonitoring(handler);
  commands += monitoring.commands;
  lastPosition = monitoring.lastPosition ?? lastPosition;
  const populations: [string, number][] = [
    [DEMO_COUNTY, 4_500],
    [DEMO_TOWNSHIPS[0], 2_000],
    [DEMO_TOWNSHIPS[1], 2_500],
    // Villages too: an assessment's omission rate divides by the sampled villages' people.
    [VILLAGES[0], 1_000],
    [VILLAGES[1], 1_000],
    [VILLAGES[2], 1_250],
    [VILLAGES[3], 1_250],
  ];
  for (const [areaCode, population] of populations) {
    for (let year = 2015; year <= 2021; year++) {
      await reference.recordRuralPopulation(
        { commandId: `demo-population-${areaCode}-${year}`, areaCode, year, population, effectiveAt: `${year}-12-31` },
        { id: 'demo-statistics', role: 'admin', unit: '县统计局' },
      );
      commands++;
    }
  }
  return { households: total + 2, commands, lastPosition };
}

/**
 * The demo's 防返贫动态监测, 2021–2026, through the regime's cases: the household monitored since
 * 2020 has its risk eliminated in 2021 and one edge household in 2022; a 医保 screening (2022)
 * and a family's own report (2024) bring two exited households into monitoring, each with a
 * measure; a cadre's finding (2023) is verified late and excluded; a petition of November 2026
 * waits for its verification.
 */
async function demoMonitoring(
  handler: HouseholdCommandHandler,
): Promise<{ commands: number; lastPosition: string | undefined }> {
  let commands = 0;
  let lastPosition: string | undefined;
  const on = (h: number) => {
    const village = h >= 24 ? (VILLAGES[h - 24] as string) : (VILLAGES[h % VILLAGES.length] as string);
    const township = clerk(`${village.slice(0, 9)}000`);
    const householdId = deriveId(`demo-household-${h}`, 'household');
    let n = 0;
    return async (type: string, effectiveAt: string, data: unknown = {}, actor: Actor = township) => {
      const result = await handler.handle(
        { commandId: `demo-${h}-monitoring-${++n}`, householdId, effectiveAt },
        type,
        data,
        actor,
      );
      commands++;
      lastPosition = result.position;
      return result;
    };
  };
  const conditions = ALL_CONDITIONS_MET;
  const eliminate = async (send: ReturnType<typeof on>, year: number, incomePerCapitaFen: number) => {
    await send('AssessConditions', `${year}-11-05`, { year, incomePerCapitaFen, ...conditions });
    await send('ProposeRiskElimination', `${year}-11-10`, { year });
    await send('RecordVillageReview', `${year}-11-12`, { approved: true, votesFor: 26, votesAgainst: 0 });
    await send('OpenPublicNotice', `${year}-11-12`);
    await send('ClosePublicNotice', `${year}-11-19`);
    await send('ApproveRiskElimination', `${year}-11-22`, {}, APPROVER);
  };
  const takeIn = async (
    send: ReturnType<typeof on>,
    alertId: string,
    verifiedOn: string,
    found: { incomePerCapitaFen: number; rigidExpenditureFen: number; risks: string[] },
    measure: { year: number; category: string; description: string; amountFen: number },
  ) => {
    await send('VerifyRiskAlert', verifiedOn, { alertId, outcome: 'taken_in', category: 'unstable_exited', ...found });
    const day = (offset: number) => {
      const d = new Date(`${verifiedOn}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + offset);
      return d.toISOString().slice(0, 10);
    };
    await send('RecordVillageReview', day(1), { approved: true, votesFor: 27, votesAgainst: 1 });
    await send('OpenPublicNotice', day(1));
    await send('ClosePublicNotice', day(8));
    await send('RecordTownshipReview', day(9), { approved: true });
    await send('ApproveMonitoring', day(11), {}, APPROVER);
    const measureId = deriveId(alertId, 'measure');
    await send('PlanAssistance', day(20), { measureId, fundingSource: 'county', ...measure });
    await send('RecordAssistanceDelivered', day(45), { measureId, amountFen: measure.amountFen });
  };

  // Monitored since 2020 (unstable): income above the 2021 standard (6,000 yuan), eliminated.
  await eliminate(on(4), 2021, 820_000);
  // An edge household monitored since 2020: eliminated in 2022 (standard 6,300 yuan).
  await eliminate(on(25), 2022, 710_000);

  // 2022: the county records a 医保 screening; verified in four days, taken in.
  const medical = deriveId('demo-alert-2022-medical', 'alert');
  const h5 = on(5);
  await h5(
    'RaiseRiskAlert',
    '2022-03-01',
    {
      alertId: medical,
      channel: 'department',
      department: 'medical_insurance',
      indicator: '个人自付医疗费用',
      amountFen: 2_350_000,
      risks: ['illness'],
      detail: '医保部门筛查：户主年度自付医疗费用 2.35 万元，超过预警线',
      reference: '县医保局2022年第1批',
    },
    APPROVER,
  );
  await takeIn(
    h5,
    medical,
    '2022-03-05',
    { incomePerCapitaFen: 520_000, rigidExpenditureFen: 2_350_000, risks: ['illness'] },
    { year: 2022, category: 'health_aid', description: '医疗救助，落实大病保险报销', amountFen: 600_000 },
  );

  // 2023: a cadre's visit finds a risk; verified after its seven days, excluded.
  const visit = deriveId('demo-alert-2023-visit', 'alert');
  const h6 = on(6);
  await h6('RaiseRiskAlert', '2023-06-10', {
    alertId: visit,
    channel: 'cadre_visit',
    risks: ['unstable_employment'],
    detail: '走访发现儿子务工的工厂停产',
  });
  await h6('VerifyRiskAlert', '2023-06-20', {
    alertId: visit,
    outcome: 'excluded',
    incomePerCapitaFen: 960_000,
    rigidExpenditureFen: 200_000,
    notes: '儿子已在县工业园重新就业，家庭收入稳定',
  });

  // 2024: the family reports a disaster's damage itself; taken in (standard 7,300 yuan).
  const disaster = deriveId('demo-alert-2024-self', 'alert');
  const h9 = on(9);
  await h9('RaiseRiskAlert', '2024-07-02', {
    alertId: disaster,
    channel: 'self_report',
    risks: ['disaster', 'housing_insecure'],
    detail: '农户申报：暴雨致房屋受损，养殖大棚倒塌',
  });
  await takeIn(
    h9,
    disaster,
    '2024-07-06',
    { incomePerCapitaFen: 610_000, rigidExpenditureFen: 800_000, risks: ['disaster', 'housing_insecure'] },
    { year: 2024, category: 'housing_renovation', description: '危房改造补助', amountFen: 1_500_000 },
  );

  // November 2026: a petition waits on the village's queue.
  await on(10)('RaiseRiskAlert', '2026-11-20', {
    alertId: deriveId('demo-alert-2026-petition', 'alert'),
    channel: 'petition',
    risks: ['illness'],
    detail: '来信反映：户主患慢性病，长期服药，家庭开支大',
  });
  return { commands, lastPosition };
}
