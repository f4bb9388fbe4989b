import { deriveId } from '@registry/registry';
import {
  type Actor,
  ALL_CONDITIONS_MET,
  type HouseholdCommandData,
  type HouseholdCommandType,
  type Member,
  monitoringStandardFor,
  NATIONAL_POLICY,
  nationalIdCheckChar,
} from '@registry/schema';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * A county's registry history from 2014 to 2025, planned as commands: deterministic for a
 * seed, independent per household (household h draws from its own generator), so the same
 * seed gives the same commands whatever the group size or the mode that runs them.
 */

class Random {
  private readonly rng;
  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }
  chance(p: number): boolean {
    return this.int(0, 999_999) < p * 1_000_000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
}

export interface Village {
  code: string;
  households: number[];
  ruralPopulation: number;
}

export interface County {
  code: string;
  townships: { code: string; villages: Village[] }[];
}

export interface PlannedCommand {
  household: number;
  householdId: string;
  seq: number;
  /** When the clerk records it: the log is in this order. */
  recordOn: string;
  effectiveAt: string;
  type: HouseholdCommandType;
  data: Record<string, unknown>;
  reason?: string;
  actor: Actor;
  /** A refusal is part of the plan (e.g. an exit proposed while income is below the line). */
  refused?: boolean;
  commandId: string;
}

export interface SimulationOptions {
  households: number;
  seed: number;
  /** Six-digit county code (Jiangsu 320924 by default: its provincial poverty line applies). */
  county?: string;
}

const COUNTY = '320924';
type HouseholdCauses = HouseholdCommandData<'ApproveRegistration'>['mainCause'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕'.split('');
const GIVEN = '建国秀英志强桂兰海燕德明春梅永福玉珍国华红梅长江小燕文杰淑芬金花宝山'.match(/../g) as string[];
const CAUSES: HouseholdCauses[] = [
  'illness',
  'illness',
  'disability',
  'lack_of_labour',
  'lack_of_skills',
  'lack_of_capital',
  'lack_of_capital',
  'schooling',
  'disaster',
  'lack_of_land',
];
const CONDITIONS = ALL_CONDITIONS_MET;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const date = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** Townships of ~2,500 households, villages of ~250, rural population ~12× the poor people. */
export function planCounty(options: SimulationOptions): County {
  const code = options.county ?? COUNTY;
  const random = new Random(options.seed * 7919 + 17);
  const townshipCount = Math.max(1, Math.round(options.households / 2500));
  const townships: County['townships'] = [];
  let next = 0;
  for (let t = 0; t < townshipCount; t++) {
    const share = Math.floor(options.households / townshipCount) + (t < options.households % townshipCount ? 1 : 0);
    const villageCount = Math.max(1, Math.round(share / 250));
    const villages: Village[] = [];
    for (let v = 0; v < villageCount; v++) {
      const count = Math.floor(share / villageCount) + (v < share % villageCount ? 1 : 0);
      const households = Array.from({ length: count }, () => next++);
      villages.push({
        code: `${code}${pad(101 + t, 3)}${pad(201 + v, 3)}`,
        households,
        // About 3 people per poor household, and an initial incidence near 8%.
        ruralPopulation: Math.round((count * 3) / 0.08) + random.int(0, 200),
      });
    }
    townships.push({ code: `${code}${pad(101 + t, 3)}000`, villages });
  }
  return { code: `${code}000000`, townships };
}

/**
 * The key a household's ids and command ids derive from. The default county's keys are those
 * of earlier versions (so a registry simulated before is completed, not doubled); another
 * county's carry its code, so the counties of a province never share a household or a command.
 */
export const householdKey = (seed: number, h: number, village: string): string =>
  village.startsWith(COUNTY) ? `sim-${seed}-${h}` : `sim-${village.slice(0, 6)}-${seed}-${h}`;

function person(
  random: Random,
  h: number,
  index: number,
  relation: Member['relation'],
  birthYear: number,
  male: boolean,
  county: string,
): Member {
  const month = random.int(1, 12);
  random.int(1, 28); // drawn as before, so the rest of the plan stays as it was
  random.int(0, 49);
  // One person, one number: the household and the member's index pick the region's last two
  // digits, the order code (odd for men, GB 11643) and the day of birth, so no two people of
  // a county of up to 140,000 households share a number. The region begins with the county's
  // city (its first four digits): counties of one city would share numbers (the simulator
  // picks a province's counties one per city, and refuses a county whose numbers are taken).
  const n = h * 10 + index;
  const order = (n % 500) * 2 + (male ? 1 : 0);
  const region = `${county.slice(0, 4)}${pad(Math.floor(n / 500) % 100, 2)}`;
  const birthDate = date(birthYear, month, 1 + (Math.floor(n / 50_000) % 28));
  const first17 = `${region}${birthDate.replaceAll('-', '')}${pad(order, 3)}`;
  return {
    memberId: deriveId(county === COUNTY ? `sim-${h}` : `sim-${county}-${h}`, `member-${index}`),
    nationalId: first17 + nationalIdCheckChar(first17),
    name: `${random.pick(SURNAMES)}${random.pick(GIVEN)}`,
    sex: male ? 'male' : 'female',
    birthDate,
    relation,
    health: random.chance(0.2) ? 'chronic_illness' : random.chance(0.05) ? 'serious_illness' : 'healthy',
    labourCapacity: birthYear < 1955 || relation === 'child' ? 'none' : random.pick(['ordinary', 'weak', 'skilled']),
    schooling: relation === 'child' && birthYear > 2005 ? 'primary' : 'not_in_school',
    insurance: { basicMedical: true, seriousIllness: random.chance(0.6), pension: relation !== 'child' },
  } as Member;
}

/** The income line that applies to the county in a year, in fen. */
const lineFor = (year: number, county: string) =>
  (NATIONAL_POLICY.provincialIncomeLinesFen[county.slice(0, 2)]?.[String(year)] ??
    NATIONAL_POLICY.incomeLinesFen[String(year)] ??
    600_000) as number;

type Add = (
  on: string,
  type: HouseholdCommandType,
  data?: Record<string, unknown>,
  extra?: { actor?: Actor; reason?: string; refused?: boolean; recordOn?: string },
) => PlannedCommand;

const RISKS = [
  'illness',
  'illness',
  'schooling',
  'disability',
  'disaster',
  'accident',
  'business_failure',
  'unstable_employment',
  'unstable_employment',
  'lack_of_labour',
  'housing_insecure',
  'drinking_water_insecure',
] as const;
const DEPARTMENTS = [
  ['medical_insurance', '个人自付医疗费用', 'illness'],
  ['civil_affairs', '申请临时救助', 'accident'],
  ['emergency', '灾害损失', 'disaster'],
  ['education', '学生辍学', 'schooling'],
  ['human_resources', '务工失业', 'unstable_employment'],
  ['housing', '房屋安全鉴定', 'housing_insecure'],
  ['water', '饮水不达标', 'drinking_water_insecure'],
  ['disabled_persons', '新办残疾证', 'disability'],
] as const;

/**
 * 防返贫动态监测, 2021–2025, for one household: year by year, a risk may come to light (about
 * 3.5% of households a year) through a channel; it is verified at the household within the
 * policy's seven days most often, sometimes late, and in 2025 sometimes not yet; taken in
 * (income under the year's monitoring standard), excluded or referred. A household taken in
 * goes through its identification (village review and notice, township review, county
 * decision) and gets a measure each year it is monitored; after six months or more, most have
 * their risk eliminated in November (an assessment above the standard, proposal, review,
 * notice, county approval) — but not in 2025, which has no standard; a few fall back into
 * poverty while monitored (返贫). Draws from its own generator, so the 2014–2020 plan of every
 * household stays as it was.
 */
function monitoringPlayer(
  seed: number,
  h: number,
  village: string,
  add: Add,
  actors: { clerk: Actor; county: Actor },
  exitedHousehold: boolean,
) {
  const random = new Random((seed * 1_000_003 + h) ^ 0x2f6b_1a3d);
  const key = householdKey(seed, h, village);
  let since: string | undefined;
  const standard = (year: number) => monitoringStandardFor(NATIONAL_POLICY, year, village)?.lineFen;
  const monthsBetween = (from: string, to: string) =>
    (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  const measure = (year: number, on: string) => {
    const measureId = deriveId(key, `monitoring-measure-${year}`);
    const amount = random.int(10, 60) * 10_000;
    add(on, 'PlanAssistance', {
      measureId,
      category: random.pick(['health_aid', 'employment', 'industry', 'education_aid', 'minimum_living_guarantee']),
      description: '防返贫监测帮扶措施',
      amountFen: amount,
      fundingSource: random.pick(['central', 'provincial', 'county']),
      year,
    });
    add(addDays(on, random.int(10, 40)), 'RecordAssistanceDelivered', { measureId, amountFen: amount });
  };
  return {
    /** Monitored since a date before the regime (a direct record of 2020). */
    monitoredSince(on: string) {
      since = on;
    },
    /** Released directly (2020, before the regime). */
    released() {
      since = undefined;
    },
    /** Plays a year; says so when the household fell back into poverty (it is then on the roll again). */
    year(year: number, mayReturn: boolean): 'returned' | undefined {
      const line = standard(year);
      if (since) {
        if (since < `${year}-03-01`) measure(year, date(year, 3, random.int(1, 28)));
        if (mayReturn && year <= 2023 && random.chance(0.03)) {
          add(
            date(year, random.int(4, 10), random.int(1, 28)),
            'ReportReturnToPoverty',
            { attribute: 'ordinary', mainCause: random.pick(['illness', 'disaster'] as const) },
            { reason: '监测户突发重大变故，收入骤降，返贫' },
          );
          since = undefined;
          return 'returned';
        }
        const assessedOn = date(year, 11, random.int(1, 10));
        if (line !== undefined && monthsBetween(since, assessedOn) >= 7 && random.chance(0.7)) {
          add(assessedOn, 'AssessConditions', {
            year,
            incomePerCapitaFen: line + random.int(30_000, 250_000),
            ...CONDITIONS,
          });
          add(date(year, 11, 15), 'ProposeRiskElimination', { year });
          add(date(year, 11, 16), 'RecordVillageReview', { approved: true });
          add(date(year, 11, 16), 'OpenPublicNotice');
          add(date(year, 11, 16 + NATIONAL_POLICY.noticeDays), 'ClosePublicNotice');
          add(date(year, 11, 25), 'ApproveRiskElimination', {}, { actor: actors.county });
          since = undefined;
        }
        return undefined;
      }
      if (!random.chance(0.035)) return undefined;
      // From February: an exit approved on 31 December may be recorded in January.
      const raisedOn = date(year, random.int(2, 9), random.int(1, 28));
      const alertId = deriveId(key, `alert-${year}`);
      const channel = random.pick(['self_report', 'cadre_visit', 'department', 'department', 'petition', 'inspection']);
      const department = random.pick(DEPARTMENTS);
      const risks = channel === 'department' ? [department[2]] : [random.pick(RISKS)];
      add(
        raisedOn,
        'RaiseRiskAlert',
        {
          alertId,
          channel,
          risks,
          ...(channel === 'department'
            ? {
                department: department[0],
                indicator: department[1],
                amountFen: random.int(5, 50) * 100_000,
                detail: `部门筛查预警：${department[1]}`,
              }
            : { detail: channel === 'self_report' ? '农户自主申报困难' : '排查发现存在返贫致贫风险' }),
        },
        { actor: channel === 'self_report' || channel === 'cadre_visit' ? actors.clerk : actors.county },
      );
      // In 2025 some are still waiting for their verification.
      if (year === 2025 && random.chance(0.3)) return undefined;
      const verifiedOn = addDays(raisedOn, random.chance(0.8) ? random.int(1, 7) : random.int(8, 20));
      const roll = random.int(0, 99);
      if (line !== undefined && roll < 55) {
        add(verifiedOn, 'VerifyRiskAlert', {
          alertId,
          outcome: 'taken_in',
          incomePerCapitaFen: Math.max(0, line - random.int(20_000, 250_000)),
          rigidExpenditureFen: random.int(5, 60) * 100_000,
          category: exitedHousehold ? 'unstable_exited' : 'edge_vulnerable',
          risks,
        });
        let on = addDays(verifiedOn, 1);
        add(on, 'RecordVillageReview', { approved: true });
        add(on, 'OpenPublicNotice');
        on = addDays(on, NATIONAL_POLICY.noticeDays);
        add(on, 'ClosePublicNotice');
        on = addDays(on, 1);
        add(on, 'RecordTownshipReview', { approved: true });
        on = addDays(on, random.int(1, 3));
        add(on, 'ApproveMonitoring', {}, { actor: actors.county });
        since = on;
        measure(year, addDays(on, random.int(3, 20)));
      } else if (roll < 95 || line === undefined) {
        add(verifiedOn, 'VerifyRiskAlert', {
          alertId,
          outcome: 'excluded',
          incomePerCapitaFen: (line ?? 750_000) + random.int(20_000, 400_000),
          rigidExpenditureFen: random.int(1, 20) * 100_000,
          notes: '经入户核实，收入稳定，刚性支出可承受，无返贫致贫风险',
        });
      } else {
        add(verifiedOn, 'VerifyRiskAlert', { alertId, outcome: 'referred', referredTo: '民政部门临时救助' });
      }
      return undefined;
    },
  };
}

/**
 * Every command of household `h`, in its own order. Kinds: registered (most; exited 2016–2020,
 * some returned, some removed or decreased), rejected at the village review, rejected after a
 * disqualifying data comparison, and edge households monitored from 2020.
 */
export function planHousehold(seed: number, h: number, village: string): PlannedCommand[] {
  // Planned year by year, recorded day by day: in the order clerks record them (stable for
  // one day), and nothing after the household leaves the roll for good.
  const planned = householdCommands(seed, h, village).sort((a, b) =>
    a.recordOn < b.recordOn ? -1 : a.recordOn > b.recordOn ? 1 : a.seq - b.seq,
  );
  const end = planned.findIndex((c) => c.type === 'RecordNaturalDecrease' || c.type === 'RemoveFromRegistry');
  const commands = end < 0 ? planned : planned.slice(0, end + 1);
  commands.forEach((c, i) => {
    c.seq = i;
  });
  return commands;
}

function householdCommands(seed: number, h: number, village: string): PlannedCommand[] {
  const random = new Random(seed * 1_000_003 + h);
  const key = householdKey(seed, h, village);
  const householdId = deriveId(key, 'household');
  const township = `${village.slice(0, 9)}000`;
  const clerk: Actor = { id: `clerk-${township.slice(6, 9)}`, role: 'clerk', unit: township };
  const county: Actor = { id: 'county-office', role: 'clerk', unit: `${village.slice(0, 6)}000000` };
  const commands: PlannedCommand[] = [];
  const add = (
    on: string,
    type: HouseholdCommandType,
    data: Record<string, unknown> = {},
    extra: { actor?: Actor; reason?: string; refused?: boolean; recordOn?: string } = {},
  ) => {
    const seq = commands.length;
    commands.push({
      household: h,
      householdId,
      seq,
      recordOn: extra.recordOn ?? on,
      effectiveAt: on,
      type,
      data,
      actor: extra.actor ?? clerk,
      commandId: `${key}-${seq}`,
      ...(extra.reason ? { reason: extra.reason } : {}),
      ...(extra.refused ? { refused: true } : {}),
    });
    return commands[seq] as PlannedCommand;
  };

  const headYear = random.int(1940, 1985);
  const headMale = random.chance(0.8);
  const members: Member[] = [person(random, h, 0, 'head', headYear, headMale, village.slice(0, 6))];
  if (random.chance(0.75))
    members.push(person(random, h, 1, 'spouse', headYear + random.int(-3, 3), !headMale, village.slice(0, 6)));
  const children = headYear > 1960 ? random.int(0, 3) : 0;
  for (let c = 0; c < children; c++) {
    members.push(
      person(
        random,
        h,
        2 + c,
        'child',
        Math.min(2013, headYear + random.int(20, 32)),
        random.chance(0.5),
        village.slice(0, 6),
      ),
    );
  }
  if (headYear > 1965 && random.chance(0.25)) {
    members.push(
      person(random, h, 6, 'parent', headYear - random.int(22, 30), random.chance(0.5), village.slice(0, 6)),
    );
  }
  const household = {
    villageCode: village,
    group: `${random.int(1, 8)}组`,
    address: `${random.int(1, 200)}号`,
    ...(random.chance(0.7) ? { phone: `1${random.int(30, 89)}${pad(random.int(0, 99_999_999), 8)}` } : {}),
    ...(random.chance(0.8)
      ? { bankAccount: `622848${pad(random.int(0, 999_999_999), 9)}${pad(random.int(0, 9999), 4)}` }
      : {}),
  };

  const kind = random.int(0, 999);
  if (kind >= 955) {
    // An edge household, never registered, monitored in 2020 (before the monitoring regime: from
    // 2021 a household enters through a risk alert and its identification, not yet simulated).
    const since = date(2020, random.int(3, 12), random.int(1, 28));
    add(since, 'StartMonitoring', {
      category: 'edge_vulnerable',
      risks: [random.pick(['因病支出较大', '务工收入不稳定', '因灾房屋受损', '子女就学负担重'])],
      household,
      members,
    });
    // Released directly only before the regime: from 2021 a risk is eliminated through its case.
    const monitoring = monitoringPlayer(seed, h, village, add, { clerk, county }, false);
    monitoring.monitoredSince(since);
    if (random.chance(0.5)) {
      const end = addDays(since, random.int(300, 700));
      if (end < '2021-01-01') {
        add(end, 'EndMonitoring', { notes: '风险已消除' });
        monitoring.released();
      }
    }
    for (let year = 2021; year <= 2025; year++) monitoring.year(year, false);
    return commands;
  }

  const applyYear = random.chance(0.85) ? 2014 : random.int(2015, 2017);
  let on = date(applyYear, random.int(3, 9), random.int(1, 20));
  add(on, 'ApplyForRegistration', { household, members, statement: '申请建档立卡' });
  on = addDays(on, random.int(5, 15));
  if (kind < 30) {
    add(
      on,
      'RecordVillageReview',
      { approved: false, votesFor: 5, votesAgainst: 30 },
      { reason: '评议认为家庭收入高于标准' },
    );
    // On file, never registered: from 2021 a risk may bring it into monitoring (边缘易致贫户).
    const monitoring = monitoringPlayer(seed, h, village, add, { clerk, county }, false);
    for (let year = 2021; year <= 2025; year++) monitoring.year(year, false);
    return commands;
  }
  add(on, 'RecordVillageReview', { approved: true, votesFor: random.int(20, 40), votesAgainst: random.int(0, 4) });
  on = addDays(on, 1);
  add(on, 'OpenPublicNotice');
  on = addDays(on, NATIONAL_POLICY.noticeDays);
  add(on, 'ClosePublicNotice');
  on = addDays(on, random.int(3, 10));
  add(on, 'RecordTownshipReview', { approved: true });
  on = addDays(on, 1);
  add(on, 'OpenPublicNotice');
  on = addDays(on, NATIONAL_POLICY.noticeDays);
  add(on, 'ClosePublicNotice');
  on = addDays(on, random.int(3, 10));
  if (kind < 50) {
    add(on, 'RecordDataComparison', {
      findings: [{ agency: 'vehicles', disqualifying: true, detail: '家庭成员名下有小轿车一辆' }],
    });
    add(addDays(on, 3), 'RejectApplication', {}, { reason: '数据比对发现不符合条件', actor: county });
    return commands;
  }
  add(on, 'RecordDataComparison', { findings: [] });
  on = addDays(on, random.int(3, 10));
  const mainCause = random.pick(CAUSES);
  add(
    on,
    'ApproveRegistration',
    {
      cardNumber: `${village.slice(0, 6)}-${applyYear}-${pad(h, 6)}`,
      attribute: random.chance(0.2)
        ? 'low_income_guarantee'
        : random.chance(0.05)
          ? 'extreme_poverty_support'
          : 'ordinary',
      mainCause,
      otherCauses: mainCause === 'lack_of_capital' ? [] : ['lack_of_capital'],
    },
    { actor: county },
  );
  const registeredYear = Number(on.slice(0, 4));
  on = addDays(on, random.int(5, 20));
  const helperId = `cadre-${village.slice(6)}-${random.int(1, 12)}`;
  add(on, 'AssignHelper', { helper: { helperId, name: `帮扶干部${helperId.slice(-2)}`, unit: '县直单位' } });

  // The year of exit: spread so incidence falls below 2% by 2019.
  const exitRoll = random.int(0, 99);
  const exitYear = Math.max(
    registeredYear + 1,
    exitRoll < 18 ? 2016 : exitRoll < 42 ? 2017 : exitRoll < 70 ? 2018 : exitRoll < 95 ? 2019 : 2020,
  );
  const removalYear = Math.max(2017, registeredYear + 1);
  const removed = kind < 70; // 2% of all: removed after a later data comparison
  const decreasedYear = random.chance(0.01) ? random.int(2016, 2024) : undefined;
  const visitsPerYear = random.chance(0.9) ? 6 : 4;
  let income = random.int(150_000, 380_000);
  let lastYear = Math.max(exitYear, registeredYear);
  let exited = false;
  let returned = false;
  let monitored = false;
  const monitoring = monitoringPlayer(seed, h, village, add, { clerk, county }, true);
  const assessments: { commandId: string; year: number; on: string; income: number }[] = [];

  for (let year = registeredYear; year <= 2025; year++) {
    if (decreasedYear !== undefined && year === decreasedYear && year > registeredYear) {
      add(date(year, random.int(2, 6), random.int(1, 28)), 'RecordNaturalDecrease', {
        reason: random.chance(0.6) ? 'died_out' : 'moved_away',
      });
      return commands;
    }
    if (removed && year === removalYear) {
      add(
        date(year, 4, random.int(1, 28)),
        'RemoveFromRegistry',
        {
          evidence: {
            source: 'data_comparison',
            finding: { agency: 'business_registration', disqualifying: true, detail: '家庭成员注册经营公司' },
          },
        },
        { reason: '回头看数据比对：识别不精准，予以清退', actor: county },
      );
      return commands;
    }
    const assisted = !exited || returned || year <= lastYear + 1;
    if (year > registeredYear) {
      if (!exited || returned) {
        const measureId = deriveId(key, `measure-${year}`);
        const amount = random.int(20, 120) * 10_000;
        add(date(year, 3, random.int(1, 28)), 'PlanAssistance', {
          measureId,
          category: random.pick(['industry', 'employment', 'training', 'education_aid', 'health_aid', 'micro_credit']),
          description: '一户一策帮扶措施',
          amountFen: amount,
          fundingSource: random.pick(['central', 'provincial', 'county', 'pairing_assistance']),
          year,
        });
        add(date(year, 6, random.int(1, 28)), 'RecordAssistanceDelivered', { measureId, amountFen: amount });
      }
    }
    if (assisted && year <= 2022) {
      const months = visitsPerYear === 6 ? [1, 3, 5, 7, 9, 11] : [2, 5, 8, 11];
      for (const month of months) {
        const visitOn = date(year, month, random.int(1, 28));
        if (visitOn > on) add(visitOn, 'RecordVisit', { notes: '入户走访，了解生产生活情况' });
      }
    }
    if (year === 2016 && year > registeredYear && random.chance(0.04)) {
      add(date(year, 8, 15), 'AddMember', {
        member: person(random, h, 9, 'grandchild', 2016, random.chance(0.5), village.slice(0, 6)),
        reason: 'birth',
      });
    }
    if (!exited && year <= exitYear) {
      const line = lineFor(year, village.slice(0, 6));
      income =
        year === exitYear
          ? Math.max(income, line + random.int(30_000, 250_000))
          : Math.min(line - 10_000, income + random.int(20_000, 90_000));
      if (year === exitYear && random.chance(0.1)) {
        // Assessed below the line first: the proposal is refused, then a reassessment passes.
        const low = line - random.int(5_000, 60_000);
        const early = add(date(year, 9, random.int(1, 20)), 'AssessConditions', {
          year,
          incomePerCapitaFen: low,
          ...CONDITIONS,
        });
        assessments.push({ commandId: early.commandId, year, on: early.effectiveAt, income: low });
        add(date(year, 9, 25), 'ProposeExit', { year }, { refused: true });
      }
      const assessed = add(date(year, 10, random.int(10, 28)), 'AssessConditions', {
        year,
        incomePerCapitaFen: income,
        ...CONDITIONS,
      });
      assessments.push({ commandId: assessed.commandId, year, on: assessed.effectiveAt, income });
      if (year === exitYear) {
        add(date(year, 11, random.int(1, 5)), 'ProposeExit', { year });
        add(date(year, 11, random.int(8, 12)), 'RecordVillageReview', { approved: true });
        add(date(year, 11, 14), 'OpenPublicNotice');
        add(date(year, 11, 21), 'ClosePublicNotice');
        add(date(year, 11, random.int(23, 28)), 'ConfirmExit', { signedByMemberId: members[0]?.memberId });
        add(date(year, 12, random.int(1, 10)), 'VerifyExit', {});
        // Effective on 31 December; some county offices record it in January.
        add(
          date(year, 12, 31),
          'ApproveExit',
          {},
          {
            actor: county,
            ...(random.chance(0.3) ? { recordOn: date(year + 1, 1, random.int(5, 20)) } : {}),
          },
        );
        exited = true;
        lastYear = year;
      }
    }
    if (exited && !returned && year >= 2021) {
      if (monitoring.year(year, true) === 'returned') returned = true;
    } else if (exited && !returned && !monitored && year > exitYear && year === 2020 && random.chance(0.008)) {
      add(
        date(year, random.int(2, 10), random.int(1, 28)),
        'ReportReturnToPoverty',
        {
          attribute: 'ordinary',
          mainCause: random.pick(['illness', 'disaster'] as const),
        },
        { reason: '突发重大变故，收入骤降' },
      );
      returned = true;
    } else if (exited && !returned && exitYear < 2020 && year === 2020 && random.chance(0.06)) {
      const since = date(2020, random.int(3, 10), random.int(1, 28));
      add(since, 'StartMonitoring', { category: 'unstable_exited', risks: ['收入不稳定'] });
      monitored = true;
      monitoring.monitoredSince(since);
      if (random.chance(0.6)) {
        add(date(2020, 12, random.int(1, 28)), 'EndMonitoring', { notes: '收入稳定' });
        monitoring.released();
      }
    }
  }
  // A late correction (0.5%): an old assessment's income was mistyped; recorded in 2025.
  const first = assessments[0];
  if (first && random.chance(0.005)) {
    const corrected = Math.max(0, first.income + random.int(-20_000, 20_000));
    add(
      first.on,
      'CorrectEvent',
      {
        eventId: deriveId(first.commandId, 'event-0'),
        action: 'replace',
        replacementData: {
          assessmentId: deriveId(first.commandId, 'assessment'),
          year: first.year,
          assessedOn: first.on,
          incomePerCapitaFen: corrected,
          ...CONDITIONS,
        },
      },
      { reason: '核查发现收入录入错误，予以更正', recordOn: date(2025, random.int(3, 11), random.int(1, 28)) },
    );
  }
  return commands;
}

/** Rural population per area and year: villages, townships, the county (grows slowly). */
export function populations(county: County): { areaCode: string; year: number; population: number }[] {
  const rows: { areaCode: string; year: number; population: number }[] = [];
  for (let year = 2014; year <= 2025; year++) {
    const factor = 1 + (year - 2014) * 0.004;
    let countyTotal = 0;
    for (const township of county.townships) {
      let townshipTotal = 0;
      for (const village of township.villages) {
        const population = Math.round(village.ruralPopulation * factor);
        townshipTotal += population;
        rows.push({ areaCode: village.code, year, population });
      }
      countyTotal += townshipTotal;
      rows.push({ areaCode: township.code, year, population: townshipTotal });
    }
    rows.push({ areaCode: county.code, year, population: countyTotal });
  }
  return rows;
}
