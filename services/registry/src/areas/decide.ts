import {
  type AreaCommands,
  type AreaEvents,
  type AreaExitEvidence,
  areaLevelOf,
  type Duty,
  type Policy,
} from '@registry/schema';
import type { z } from 'zod';
import { RuleViolation } from '../errors.js';

/**
 * An area's own record (贫困村, 贫困县): a village's designation as a poor village, and an area's
 * exit — proposed on the evidence of its poverty incidence, reviewed by the level above,
 * announced (贫困村销号, 贫困县摘帽). Folded from the area's stream, beside its population figures.
 */

type Data<T extends keyof typeof AreaEvents> = z.infer<(typeof AreaEvents)[T]['schema']>;
type Command<T extends keyof typeof AreaCommands> = z.infer<(typeof AreaCommands)[T]>;

export interface AreaState {
  poorVillageSince?: { year: number; on: string };
  /** The exit under way: proposed (awaiting review) or approved (awaiting announcement). */
  exitCase?: { year: number; step: 'review' | 'announcement'; evidence: AreaExitEvidence; proposedOn: string };
  exitedOn?: string;
  exitYear?: number;
}

export type AreaEvent =
  | { type: 'RuralPopulationRecorded'; data: Data<'RuralPopulationRecorded'> }
  | { type: 'PoorVillageDesignated'; data: Data<'PoorVillageDesignated'> }
  | { type: 'AreaExitProposed'; data: Data<'AreaExitProposed'> }
  | { type: 'AreaExitReviewed'; data: Data<'AreaExitReviewed'> }
  | { type: 'AreaExitAnnounced'; data: Data<'AreaExitAnnounced'> }
  | { type: 'AreaNamed'; data: Data<'AreaNamed'> }
  | { type: 'AreaMerged'; data: Data<'AreaMerged'> };

export function evolveArea(state: AreaState, event: AreaEvent, effectiveAt: string): AreaState {
  switch (event.type) {
    case 'RuralPopulationRecorded':
    case 'AreaNamed':
    case 'AreaMerged':
      // Reference data on the same stream: the name and the population decide no step.
      return state;
    case 'PoorVillageDesignated':
      return { ...state, poorVillageSince: { year: event.data.year, on: effectiveAt } };
    case 'AreaExitProposed':
      return {
        ...state,
        exitCase: { year: event.data.year, step: 'review', evidence: event.data.evidence, proposedOn: effectiveAt },
      };
    case 'AreaExitReviewed': {
      if (!event.data.approved) {
        const { exitCase: _closed, ...rest } = state;
        return rest;
      }
      return state.exitCase ? { ...state, exitCase: { ...state.exitCase, step: 'announcement' } } : state;
    }
    case 'AreaExitAnnounced': {
      const { exitCase: _done, ...rest } = state;
      return { ...rest, exitedOn: effectiveAt, exitYear: event.data.year };
    }
    default: {
      const unknown: never = event;
      throw new Error(`area: unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

/** Villages and counties exit; the duty of each step depends on which. */
export function exitDuty(areaCode: string, step: 'proposal' | 'review' | 'announcement'): Duty {
  return `${areaLevelOf(areaCode) === 'village' ? 'village' : 'county'}_exit_${step}` as Duty;
}

export function decideDesignation(state: AreaState, c: Command<'DesignatePoorVillage'>): Data<'PoorVillageDesignated'> {
  if (state.poorVillageSince) {
    throw new RuleViolation(
      'ALREADY_POOR_VILLAGE',
      `village ${c.areaCode} is a poor village since ${state.poorVillageSince.year}`,
      {
        since: state.poorVillageSince.year,
      },
    );
  }
  return { areaCode: c.areaCode, year: c.year };
}

/** The threshold the policy sets: incidence below it (2%, 3% in the west, as seeded). */
export const exitThreshold = (policy: Pick<Policy, 'areaExitIncidence'>, west: boolean): number =>
  west ? policy.areaExitIncidence.west : policy.areaExitIncidence.standard;

export function decideProposal(
  state: AreaState,
  c: Command<'ProposeAreaExit'>,
  evidence: AreaExitEvidence,
): Data<'AreaExitProposed'> {
  const level = areaLevelOf(c.areaCode);
  if (level !== 'village' && level !== 'county') {
    throw new RuleViolation('NOT_AN_EXIT_AREA', `only villages and counties exit; ${c.areaCode} is a ${level}`, {
      field: 'areaCode',
    });
  }
  if (state.exitedOn) {
    throw new RuleViolation('AREA_ALREADY_EXITED', `${c.areaCode} exited in ${state.exitYear}`, {
      year: state.exitYear,
    });
  }
  if (state.exitCase) {
    throw new RuleViolation('CASE_OPEN', `the exit of ${state.exitCase.year} is under way`, {
      year: state.exitCase.year,
    });
  }
  if (level === 'village' && !state.poorVillageSince) {
    throw new RuleViolation('NOT_POOR_VILLAGE', `village ${c.areaCode} is not a registered poor village`, {
      field: 'areaCode',
    });
  }
  const unmet: string[] = [];
  if (evidence.incidence === null) unmet.push('population_known');
  else if (evidence.incidence >= evidence.threshold) unmet.push('incidence_below_threshold');
  if (level === 'county' && evidence.assessmentRecommendation !== 'exit') unmet.push('assessment_recommends_exit');
  if (unmet.length > 0) {
    throw new RuleViolation(
      'AREA_EXIT_CRITERIA_UNMET',
      `${c.areaCode} does not meet the exit standard of ${c.year}: ${unmet.join(', ')}`,
      { unmet, ...evidence },
    );
  }
  return { areaCode: c.areaCode, year: c.year, evidence };
}

export function decideReview(state: AreaState, c: Command<'ReviewAreaExit'>): Data<'AreaExitReviewed'> {
  if (state.exitCase?.step !== 'review') {
    throw new RuleViolation('OUT_OF_ORDER', `no exit of ${c.areaCode} awaits review`, {
      step: state.exitCase?.step ?? null,
    });
  }
  if (c.effectiveAt < state.exitCase.proposedOn) {
    throw new RuleViolation(
      'BEFORE_PREVIOUS_STEP',
      `the review cannot precede the proposal (${state.exitCase.proposedOn})`,
      {
        field: 'effectiveAt',
      },
    );
  }
  return { areaCode: c.areaCode, year: state.exitCase.year, approved: c.approved };
}

export function decideAnnouncement(state: AreaState, c: Command<'AnnounceAreaExit'>): Data<'AreaExitAnnounced'> {
  if (state.exitCase?.step !== 'announcement') {
    throw new RuleViolation('OUT_OF_ORDER', `no approved exit of ${c.areaCode} awaits announcement`, {
      step: state.exitCase?.step ?? null,
    });
  }
  if (c.effectiveAt < state.exitCase.proposedOn) {
    throw new RuleViolation(
      'BEFORE_PREVIOUS_STEP',
      `the announcement cannot precede the proposal (${state.exitCase.proposedOn})`,
      {
        field: 'effectiveAt',
      },
    );
  }
  return { areaCode: c.areaCode, year: state.exitCase.year };
}
