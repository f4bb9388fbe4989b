import { createHash } from 'node:crypto';
import {
  type AssessmentOpened,
  type DrawSample,
  type FindingRecorded,
  incomeLineFor,
  type OpenAssessment,
  type Policy,
  type RecordFinding,
  type RegistryCounts,
  type SampleDrawn,
  VERDICTS_OF_STRATUM,
  type Verdict,
  withinArea,
} from '@registry/schema';
import { RuleViolation } from '../errors.js';
import { drawSample, frameDigest, type SamplingFrame } from './sampling.js';
import { type AssessmentState, findingKey } from './state.js';

/** What the registry held at the assessment's two dates: the frame and the counts the rates divide by. */
export interface RegistryAtCutoff {
  frame: SamplingFrame;
  area: RegistryCounts;
  villages: ReadonlyMap<string, RegistryCounts>;
}

const NO_COUNTS: RegistryCounts = { population: null, registeredPeople: 0, exitedPeople: 0, cardedPeople: 0 };

/** The assessment opens: the registry will be read as known at `now`, for good. */
export function decideOpen(state: AssessmentState | undefined, c: OpenAssessment, now: Date): AssessmentOpened {
  if (state) {
    throw new RuleViolation('ASSESSMENT_EXISTS', `assessment ${c.assessmentId} is already open`, {
      assessmentId: c.assessmentId,
    });
  }
  const outside = c.poorVillageCodes.filter((v) => !withinArea(c.areaCode, v));
  if (outside.length > 0) {
    throw new RuleViolation('VILLAGE_OUTSIDE_AREA', `poor villages ${outside.join(', ')} are outside ${c.areaCode}`, {
      field: 'poorVillageCodes',
      villages: outside,
    });
  }
  return {
    assessmentId: c.assessmentId,
    title: c.title,
    areaCode: c.areaCode,
    year: c.year,
    cutoff: c.cutoff,
    knownAt: now.toISOString(),
    seedCommitment: c.seedCommitment,
    sizes: c.sizes,
    poorVillageCodes: [...new Set(c.poorVillageCodes)].sort(),
    west: c.west,
  };
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The seed is revealed and checked against the commitment made at opening, then the draw is made. */
export function decideDraw(
  state: AssessmentState,
  c: DrawSample,
  registry: RegistryAtCutoff,
  logHead?: SampleDrawn['logHead'],
): SampleDrawn {
  if (state.sample) {
    throw new RuleViolation('SAMPLE_ALREADY_DRAWN', `the sample of assessment ${c.assessmentId} is already drawn`, {
      drawnAt: state.sample.drawnAt,
    });
  }
  if (sha256Hex(c.seed) !== state.opened.seedCommitment) {
    throw new RuleViolation(
      'SEED_MISMATCH',
      `the seed's SHA-256 is not the commitment recorded when the assessment opened (${state.opened.seedCommitment})`,
      { field: 'seed', commitment: state.opened.seedCommitment },
    );
  }
  const { sizes, poorVillageCodes } = state.opened;
  const draw = drawSample(registry.frame, c.seed, sizes, poorVillageCodes);
  return {
    seed: c.seed,
    frameDigest: frameDigest(registry.frame),
    frameSize: {
      villages: new Set(registry.frame.villages).size,
      exited: registry.frame.households.filter((h) => h.stratum === 'exited').length,
      registered: registry.frame.households.filter((h) => h.stratum === 'registered').length,
    },
    villages: draw.villages.map((v) => ({ ...v, counts: registry.villages.get(v.villageCode) ?? NO_COUNTS })),
    households: draw.households,
    area: registry.area,
    ...(logHead ? { logHead } : {}),
  };
}

/** Verdicts that say the household is above the line with every condition met. */
const NOT_POOR_VERDICTS: ReadonlySet<Verdict> = new Set(['correctly_exited', 'wrongly_included', 'not_poor']);

/** A surveyed household's finding: it must be in the sample (or in a sampled village, for one outside the registry). */
export function decideFinding(
  state: AssessmentState,
  c: RecordFinding,
  findingId: string,
  policy: Policy,
): FindingRecorded {
  const sample = state.sample;
  if (!sample) throw new RuleViolation('SAMPLE_NOT_DRAWN', 'record findings after the sample is drawn');
  let place: Pick<FindingRecorded, 'stratum' | 'villageCode' | 'people' | 'householdId' | 'label'>;
  if (c.householdId !== undefined) {
    const sampled = sample.households.find((h) => h.householdId === c.householdId);
    if (!sampled) {
      throw new RuleViolation('NOT_IN_SAMPLE', `household ${c.householdId} is not in this assessment's sample`, {
        field: 'householdId',
      });
    }
    place = { ...sampled, people: Math.max(1, sampled.people) };
  } else {
    const o = c.outside as NonNullable<RecordFinding['outside']>;
    if (!sample.villages.some((v) => v.villageCode === o.villageCode)) {
      throw new RuleViolation('VILLAGE_NOT_SAMPLED', `village ${o.villageCode} is not among the sampled villages`, {
        field: 'outside.villageCode',
      });
    }
    place = { stratum: 'outside', villageCode: o.villageCode, label: o.label, people: o.people };
  }
  const allowed = VERDICTS_OF_STRATUM[place.stratum];
  if (!allowed.includes(c.verdict)) {
    throw new RuleViolation('VERDICT_NOT_FOR_STRATUM', `a ${place.stratum} household cannot be found ${c.verdict}`, {
      field: 'verdict',
      stratum: place.stratum,
      allowed,
    });
  }
  const line = incomeLineFor(policy, state.opened.year, state.opened.areaCode);
  const unmet = Object.entries(c.conditions)
    .filter(([, met]) => !met)
    .map(([name]) => name);
  // Without a line for the year the income cannot refute a verdict; the conditions still can.
  const incomeAbove = line === undefined ? undefined : c.incomePerCapitaFen > line.lineFen;
  if (NOT_POOR_VERDICTS.has(c.verdict) && (incomeAbove === false || unmet.length > 0)) {
    throw new RuleViolation(
      'VERDICT_CONTRADICTS_FINDINGS',
      `${c.verdict} needs income above the ${state.opened.year} line (${line?.lineFen ?? '?'} fen) and every condition met; found ${c.incomePerCapitaFen} fen${unmet.length ? `, unmet: ${unmet.join(', ')}` : ''}`,
      { field: 'verdict', lineFen: line?.lineFen ?? null, incomePerCapitaFen: c.incomePerCapitaFen, unmet },
    );
  }
  if (!NOT_POOR_VERDICTS.has(c.verdict) && incomeAbove === true && unmet.length === 0 && !c.notes) {
    throw new RuleViolation(
      'NOTES_REQUIRED',
      `${c.verdict} although the income is above the line and every condition is met: say in notes why (e.g. income not stable)`,
      { field: 'notes' },
    );
  }
  if (state.findings.has(findingKey(place)) && !c.reason) {
    throw new RuleViolation('REASON_REQUIRED', 'this household already has a finding: give the reason for a new one', {
      field: 'reason',
    });
  }
  const outside = c.outside;
  return {
    findingId,
    ...place,
    ...(outside?.headName ? { headName: outside.headName } : {}),
    ...(outside?.headNationalId ? { headNationalId: outside.headNationalId } : {}),
    incomePerCapitaFen: c.incomePerCapitaFen,
    conditions: c.conditions,
    verdict: c.verdict,
    approves: c.approves,
    ...(c.notes ? { notes: c.notes } : {}),
  };
}
