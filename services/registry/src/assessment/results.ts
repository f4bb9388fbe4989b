import { assessmentThresholds, type Stratum, townshipOf, type Verdict } from '@registry/schema';
import type { AssessmentState, Finding } from './state.js';

/**
 * The 三率一度 and 错评率 of an assessment, computed from its events alone (the draw recorded
 * what the registry held), so the same events always give the same numbers.
 *
 * Rates are of people, as the published rules define them. Intervals are 95% Wilson score
 * intervals. For the rates estimated from surveyed households (wrong exits, wrong inclusion,
 * approval) the sample size is the effective one: people ÷ the design effect of sampling whole
 * households (ratio-estimator variance ÷ simple-random variance, at least 1), so a large
 * household does not count as many independent draws. The omission rate divides the omitted
 * people found by the non-registered rural population of the sampled villages (the official
 * formula); its interval treats that population as the trials. The composite incidence
 * (综合贫困发生率) takes the registry's poor people at the cut-off and adds the omitted and
 * wrongly exited people the rates estimate for the whole area; its interval follows from the
 * rates' bounds.
 */

export interface Rate {
  value: number | null;
  low: number | null;
  high: number | null;
  numerator: number;
  denominator: number | null;
  threshold: number;
  comparison: 'below' | 'at_least';
  /** Whether the value meets the threshold; null without a value. */
  meets: boolean | null;
  /** Whether the whole interval lies on the same side of the threshold as the value. */
  certain: boolean;
}

export interface GroupResult {
  areaCode: string;
  villages: number;
  sampled: number;
  /** Registry households drawn that have a finding. */
  surveyed: number;
  /** Households outside the registry with a finding. */
  outside: number;
  wrongExit: Rate;
  omission: Rate;
  wrongInclusion: Rate;
  approval: Rate;
}

export interface AssessmentResults extends GroupResult {
  incidence: Rate;
  /** Registry households sampled that have no finding yet. */
  missingFindings: number;
  /** Sampled villages whose rural population was not known at the cut-off. */
  villagesWithoutPopulation: string[];
  recommendation: 'exit' | 'not_exit' | 'incomplete';
}

const Z = 1.959963984540054;

/** 95% Wilson score interval of a proportion `p` over `n` trials. */
export function wilson(p: number, n: number): { low: number; high: number } {
  const z2 = Z * Z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At 0 and 1 the bound is exactly 0 or 1; rounding would leave a trace.
  return { low: p === 0 ? 0 : Math.max(0, centre - half), high: p === 1 ? 1 : Math.min(1, centre + half) };
}

/** A rate of people over households sampled whole: each unit has `x` people, `y` of them counted. */
export function clusteredRate(units: readonly { x: number; y: number }[]): {
  value: number | null;
  low: number | null;
  high: number | null;
  numerator: number;
  denominator: number;
} {
  const X = units.reduce((s, u) => s + u.x, 0);
  const Y = units.reduce((s, u) => s + u.y, 0);
  if (X === 0) return { value: null, low: null, high: null, numerator: Y, denominator: X };
  const r = Y / X;
  let deff = 1;
  const n = units.length;
  const srs = (r * (1 - r)) / X;
  if (n >= 2 && srs > 0) {
    const ratio = ((n / (n - 1)) * units.reduce((s, u) => s + (u.y - r * u.x) ** 2, 0)) / (X * X);
    deff = Math.max(1, ratio / srs);
  }
  return { value: r, ...wilson(r, X / deff), numerator: Y, denominator: X };
}

function judged(
  estimate: {
    value: number | null;
    low: number | null;
    high: number | null;
    numerator: number;
    denominator: number | null;
  },
  threshold: number,
  comparison: Rate['comparison'],
): Rate {
  const { value, low, high } = estimate;
  const ok = (v: number) => (comparison === 'below' ? v < threshold : v >= threshold);
  const meets = value === null ? null : ok(value);
  const certain = value !== null && low !== null && high !== null && ok(low) === ok(high);
  return { ...estimate, threshold, comparison, meets, certain };
}

const ofStratum = (findings: readonly Finding[], stratum: Stratum) => findings.filter((f) => f.stratum === stratum);
const flagged = (findings: readonly Finding[], verdict: Verdict) =>
  findings.map((f) => ({ x: f.people, y: f.verdict === verdict ? f.people : 0 }));

function group(
  state: AssessmentState,
  areaCode: string,
  villageCodes: ReadonlySet<string>,
  findings: readonly Finding[],
): GroupResult {
  const t = assessmentThresholds(state.opened.west);
  const sample = state.sample;
  const villages = (sample?.villages ?? []).filter((v) => villageCodes.has(v.villageCode));
  const mine = findings.filter((f) => villageCodes.has(f.villageCode));
  const omitted = ofStratum(mine, 'outside')
    .filter((f) => f.verdict === 'omitted')
    .reduce((s, f) => s + f.people, 0);
  const known = villages.every((v) => v.counts.population !== null);
  const nonRegistered = villages.reduce(
    (s, v) => s + Math.max(0, (v.counts.population ?? 0) - v.counts.cardedPeople),
    0,
  );
  const omissionRate = known && nonRegistered > 0 ? omitted / nonRegistered : null;
  const approvers = mine.filter((f) => f.approves !== null).map((f) => ({ x: 1, y: f.approves ? 1 : 0 }));
  return {
    areaCode,
    villages: villages.length,
    sampled: (sample?.households ?? []).filter((h) => villageCodes.has(h.villageCode)).length,
    surveyed: mine.filter((f) => f.stratum !== 'outside').length,
    outside: mine.filter((f) => f.stratum === 'outside').length,
    wrongExit: judged(clusteredRate(flagged(ofStratum(mine, 'exited'), 'wrongly_exited')), t.wrongExit, 'below'),
    omission: judged(
      {
        value: omissionRate,
        ...(omissionRate === null ? { low: null, high: null } : wilson(omissionRate, nonRegistered)),
        numerator: omitted,
        denominator: known ? nonRegistered : null,
      },
      t.omission,
      'below',
    ),
    wrongInclusion: judged(
      clusteredRate(flagged(ofStratum(mine, 'registered'), 'wrongly_included')),
      // The published rules set no threshold for 错评率; it is held to the wrong-exit rate's.
      t.wrongExit,
      'below',
    ),
    approval: judged(clusteredRate(approvers), t.approval, 'at_least'),
  };
}

export function assessmentResults(state: AssessmentState): AssessmentResults {
  const t = assessmentThresholds(state.opened.west);
  const findings = [...state.findings.values()];
  const villages = (state.sample?.villages ?? []).map((v) => v.villageCode);
  const all = group(state, state.opened.areaCode, new Set(villages), findings);

  const area = state.sample?.area;
  let incidence: Rate;
  const P = area?.population ?? null;
  if (!area || P === null || P === 0 || all.omission.value === null || all.wrongExit.value === null) {
    incidence = judged({ value: null, low: null, high: null, numerator: 0, denominator: P }, t.incidence, 'below');
  } else {
    const nonRegistered = Math.max(0, P - area.cardedPeople);
    const poor = (omission: number, wrongExit: number) =>
      area.registeredPeople + omission * nonRegistered + wrongExit * area.exitedPeople;
    const o = all.omission;
    const w = all.wrongExit;
    incidence = judged(
      {
        value: poor(o.value as number, w.value as number) / P,
        low: poor(o.low ?? 0, w.low ?? 0) / P,
        high: poor(o.high ?? 0, w.high ?? 0) / P,
        numerator: Math.round(poor(o.value as number, w.value as number)),
        denominator: P,
      },
      t.incidence,
      'below',
    );
  }

  const surveyedRegistry = new Set(findings.filter((f) => f.householdId).map((f) => f.householdId));
  const missingFindings = (state.sample?.households ?? []).filter((h) => !surveyedRegistry.has(h.householdId)).length;
  const rates = [incidence, all.wrongExit, all.omission, all.approval];
  const recommendation =
    !state.sample || missingFindings > 0 || rates.some((r) => r.meets === null)
      ? 'incomplete'
      : rates.every((r) => r.meets)
        ? 'exit'
        : 'not_exit';
  return {
    ...all,
    incidence,
    missingFindings,
    villagesWithoutPopulation: (state.sample?.villages ?? [])
      .filter((v) => v.counts.population === null)
      .map((v) => v.villageCode),
    recommendation,
  };
}

/** The same rates per township and per village of the sample. */
export function assessmentBreakdown(state: AssessmentState): { townships: GroupResult[]; villages: GroupResult[] } {
  const findings = [...state.findings.values()];
  const villages = (state.sample?.villages ?? []).map((v) => v.villageCode);
  const townships = [...new Set(villages.map(townshipOf))].sort();
  return {
    townships: townships.map((code) =>
      group(state, code, new Set(villages.filter((v) => townshipOf(v) === code)), findings),
    ),
    villages: villages.map((code) => group(state, code, new Set([code]), findings)),
  };
}
