import { createHash } from 'node:crypto';
import { type Actor, ALL_CONDITIONS_MET, NATIONAL_POLICY, type RecordFinding } from '@registry/schema';
import { describe, expect, it } from 'vitest';
import { decideDraw, decideFinding, decideOpen, type RegistryAtCutoff } from '../src/assessment/decide.js';
import { assessmentResults, clusteredRate, wilson } from '../src/assessment/results.js';
import { drawSample, type FrameHousehold, frameDigest, type SamplingFrame } from '../src/assessment/sampling.js';
import { type AssessmentState, foldAssessment, type StoredAssessmentEvent } from '../src/assessment/state.js';
import { RuleViolation } from '../src/errors.js';

const SEED = 'county-2019-assessment-seed-7f3a';
const COMMITMENT = createHash('sha256').update(SEED).digest('hex');
const assessor: Actor = { id: 'assess-zhao', role: 'assessor', unit: '第三方评估机构' };
const V1 = '150429101201';
const V2 = '150429102203';
const V3 = '150429102204';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Two villages of a county in Inner Mongolia (the national line: 3,747 yuan in 2019). */
function frame(): SamplingFrame {
  const households: FrameHousehold[] = [];
  let n = 0;
  for (const village of [V1, V2, V3]) {
    for (let i = 0; i < 5; i++)
      households.push({ householdId: uuid(++n), villageCode: village, stratum: 'exited', people: 2 });
    for (let i = 0; i < 5; i++)
      households.push({ householdId: uuid(++n), villageCode: village, stratum: 'registered', people: 3 });
  }
  return { villages: [V1, V2, V3], households };
}

/** The published way to redraw: order by SHA-256 of seed, scope and id; take the first n. */
const byHand = (ids: string[], scope: string, n: number) =>
  ids
    .map((id) => ({ id, key: createHash('sha256').update(`${SEED}\n${scope}\n${id}`).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .slice(0, n)
    .map((r) => r.id);

const sizes = { poorVillages: 1, otherVillages: 1, exitedPerVillage: 2, registeredPerVillage: 2 };

function opened(): AssessmentState {
  const data = decideOpen(
    undefined,
    {
      commandId: 'open-1-abc',
      assessmentId: uuid(999),
      title: '2019年度贫困县退出第三方评估',
      areaCode: '150429000000',
      year: 2019,
      cutoff: '2019-12-31',
      seedCommitment: COMMITMENT,
      sizes,
      poorVillageCodes: [V1],
      west: true,
    },
    new Date('2020-01-15T02:00:00Z'),
  );
  return foldAssessment([at(0, { type: 'AssessmentOpened', data })]) as AssessmentState;
}

const at = (revision: number, event: StoredAssessmentEvent['event'], recordedAt = '2020-01-15T02:00:00.000Z') => ({
  event,
  revision,
  recordedAt,
  effectiveAt: recordedAt.slice(0, 10),
  actor: assessor,
});

const counts = (population: number | null, carded: number) => ({
  population,
  registeredPeople: carded / 2,
  exitedPeople: carded / 2,
  cardedPeople: carded,
});
const registry = (): RegistryAtCutoff => ({
  frame: frame(),
  area: counts(10_000, 200),
  villages: new Map([V1, V2, V3].map((v) => [v, counts(400, 25)])),
});

describe('the seeded draw', () => {
  it('takes the first n by SHA-256 rank, per stratum, so anyone can redraw it by hand', () => {
    const draw = drawSample(frame(), SEED, sizes, [V1]);
    const otherVillage = byHand([V2, V3], 'village', 1)[0] as string;
    expect(draw.villages).toEqual(
      [
        { villageCode: V1, stratum: 'poor' },
        { villageCode: otherVillage, stratum: 'other' },
      ].sort((a, b) => (a.villageCode < b.villageCode ? -1 : 1)),
    );
    for (const { villageCode } of draw.villages) {
      for (const stratum of ['exited', 'registered'] as const) {
        const candidates = frame()
          .households.filter((h) => h.villageCode === villageCode && h.stratum === stratum)
          .map((h) => h.householdId);
        const drawn = draw.households.filter((h) => h.villageCode === villageCode && h.stratum === stratum);
        expect(drawn.map((h) => h.householdId)).toEqual(byHand(candidates, stratum, 2));
      }
    }
  });

  it('gives the same sample for the same seed whatever the frame’s order, and another for another seed', () => {
    const f = frame();
    const shuffled: SamplingFrame = { villages: [...f.villages].reverse(), households: [...f.households].reverse() };
    expect(drawSample(shuffled, SEED, sizes, [V1])).toEqual(drawSample(f, SEED, sizes, [V1]));
    expect(frameDigest(shuffled)).toBe(frameDigest(f));
    const other = drawSample(f, `${SEED}-other`, sizes, [V1]);
    expect(other.households.map((h) => h.householdId)).not.toEqual(
      drawSample(f, SEED, sizes, [V1]).households.map((h) => h.householdId),
    );
  });

  it('draws only after the seed matching the commitment is revealed, and only once', () => {
    const state = opened();
    const refused = (() => {
      try {
        decideDraw(state, { commandId: 'draw-1-abc', assessmentId: uuid(999), seed: `${SEED}x` }, registry());
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(RuleViolation);
    expect((refused as RuleViolation).rule).toBe('SEED_MISMATCH');
    const drawn = decideDraw(state, { commandId: 'draw-1-abc', assessmentId: uuid(999), seed: SEED }, registry());
    expect(drawn.households).toHaveLength(8);
    expect(drawn.frameDigest).toBe(frameDigest(frame()));
    const after = foldAssessment([
      at(0, { type: 'AssessmentOpened', data: state.opened }),
      at(1, { type: 'SampleDrawn', data: drawn }),
    ]) as AssessmentState;
    expect(() =>
      decideDraw(after, { commandId: 'draw-2-abc', assessmentId: uuid(999), seed: SEED }, registry()),
    ).toThrow(/already drawn/);
  });
});

describe('findings', () => {
  const drawnState = () => {
    const state = opened();
    const drawn = decideDraw(state, { commandId: 'draw-1-abc', assessmentId: uuid(999), seed: SEED }, registry());
    return foldAssessment([
      at(0, { type: 'AssessmentOpened', data: state.opened }),
      at(1, { type: 'SampleDrawn', data: drawn }),
    ]) as AssessmentState;
  };
  const base = (over: Partial<RecordFinding>): RecordFinding => ({
    commandId: 'finding-1-abc',
    assessmentId: uuid(999),
    surveyedOn: '2020-01-20',
    incomePerCapitaFen: 600_000,
    conditions: ALL_CONDITIONS_MET,
    verdict: 'correctly_exited',
    approves: true,
    ...over,
  });
  const rule = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as RuleViolation).rule;
    }
    return undefined;
  };

  it('refuses a household outside the sample, a verdict of another stratum, and one its own findings contradict', () => {
    const state = drawnState();
    const exited = state.sample?.households.find((h) => h.stratum === 'exited')?.householdId as string;
    const notSampled = frame().households.find(
      (h) => !state.sample?.households.some((s) => s.householdId === h.householdId),
    );
    const decideIt = (over: Partial<RecordFinding>) => decideFinding(state, base(over), uuid(5000), NATIONAL_POLICY);
    expect(rule(() => decideIt({ householdId: notSampled?.householdId }))).toBe('NOT_IN_SAMPLE');
    expect(rule(() => decideIt({ householdId: exited, verdict: 'omitted' }))).toBe('VERDICT_NOT_FOR_STRATUM');
    expect(rule(() => decideIt({ householdId: exited, incomePerCapitaFen: 300_000 }))).toBe(
      'VERDICT_CONTRADICTS_FINDINGS',
    );
    expect(
      rule(() => decideIt({ householdId: exited, conditions: { ...ALL_CONDITIONS_MET, safeHousing: false } })),
    ).toBe('VERDICT_CONTRADICTS_FINDINGS');
    expect(rule(() => decideIt({ householdId: exited, verdict: 'wrongly_exited' }))).toBe('NOTES_REQUIRED');
    expect(decideIt({ householdId: exited, verdict: 'wrongly_exited', notes: '务工收入不稳定' }).people).toBe(2);
    expect(
      rule(() =>
        decideIt({ outside: { villageCode: '150429109999', label: '一组-1', people: 3 }, verdict: 'not_poor' }),
      ),
    ).toBe('VILLAGE_NOT_SAMPLED');
  });
});

describe('the rates', () => {
  it('computes the Wilson interval and the design effect of whole households', () => {
    // 0.2 of 10 people, 1 in 3 households wrong: y = 2,0,0; x = 2,3,5.
    const rate = clusteredRate([
      { x: 2, y: 2 },
      { x: 3, y: 0 },
      { x: 5, y: 0 },
    ]);
    // ratio variance 3/2 · ((2-0.4)² + 0.6² + 1²) / 10² = 0.0588; simple 0.2·0.8/10 = 0.016; deff 3.675.
    const wilsonByHand = (p: number, n: number) => {
      const z = 1.959963984540054;
      const c = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
      const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
      return [c - h, c + h];
    };
    const [low, high] = wilsonByHand(0.2, 10 / 3.675);
    expect(rate.value).toBeCloseTo(0.2, 12);
    expect(rate.low).toBeCloseTo(low as number, 12);
    expect(rate.high).toBeCloseTo(high as number, 12);
    expect(wilson(0, 50).low).toBe(0);
    expect(wilson(0, 50).high).toBeCloseTo(0.0713, 4);
  });

  it('gives the 三率一度 of a hand-built sample, and a recommendation', () => {
    const state = opened();
    const drawn = decideDraw(state, { commandId: 'draw-1-abc', assessmentId: uuid(999), seed: SEED }, registry());
    const events: StoredAssessmentEvent[] = [
      at(0, { type: 'AssessmentOpened', data: state.opened }),
      at(1, { type: 'SampleDrawn', data: drawn }),
    ];
    let s = foldAssessment(events) as AssessmentState;
    const record = (over: Partial<RecordFinding>, n: number) => {
      const data = decideFinding(s, base(over), uuid(6000 + n), NATIONAL_POLICY);
      events.push(at(events.length, { type: 'FindingRecorded', data }));
      s = foldAssessment(events) as AssessmentState;
    };
    const base = (over: Partial<RecordFinding>): RecordFinding => ({
      commandId: `finding-${Math.random()}`,
      assessmentId: uuid(999),
      surveyedOn: '2020-01-20',
      incomePerCapitaFen: 600_000,
      conditions: ALL_CONDITIONS_MET,
      verdict: 'correctly_exited',
      approves: true,
      ...over,
    });
    const exited = drawn.households.filter((h) => h.stratum === 'exited');
    const registered = drawn.households.filter((h) => h.stratum === 'registered');
    // 4 exited households of 2 people: one wrongly exited. 4 registered of 3: all correctly registered.
    for (const [i, h] of exited.entries()) {
      record(
        i === 0
          ? { householdId: h.householdId, verdict: 'wrongly_exited', incomePerCapitaFen: 200_000, approves: false }
          : { householdId: h.householdId },
        i,
      );
    }
    for (const [i, h] of registered.entries()) {
      record({ householdId: h.householdId, verdict: 'correctly_registered', incomePerCapitaFen: 200_000 }, 10 + i);
    }
    // One omitted household of 4 people in the poor village.
    record(
      { outside: { villageCode: V1, label: '一组-7', people: 4 }, verdict: 'omitted', incomePerCapitaFen: 250_000 },
      20,
    );
    const r = assessmentResults(s);
    expect(r.missingFindings).toBe(0);
    expect(r.wrongExit.value).toBe(2 / 8);
    expect(r.wrongExit.meets).toBe(false);
    expect(r.wrongInclusion.value).toBe(0);
    // Non-registered people of the two sampled villages: (400 - 25) · 2 = 750.
    expect(r.omission.numerator).toBe(4);
    expect(r.omission.denominator).toBe(750);
    expect(r.omission.value).toBe(4 / 750);
    // 9 households asked, 8 approve.
    expect(r.approval.value).toBe(8 / 9);
    expect(r.approval.meets).toBe(false);
    // (100 registered + 4/750 · (10000 - 200) + 0.25 · 100 exited) / 10000.
    expect(r.incidence.value).toBeCloseTo((100 + (4 / 750) * 9800 + 0.25 * 100) / 10_000, 12);
    expect(r.incidence.threshold).toBe(0.03);
    expect(r.incidence.meets).toBe(true);
    expect(r.recommendation).toBe('not_exit');
  });
});
