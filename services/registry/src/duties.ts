import type { Actor, AreaLevel, Duty, HouseholdCommand, Policy } from '@registry/schema';
import { dutyOf } from './duty-of.js';
import { RuleViolation } from './errors.js';
import type { HistoryEvent } from './fold.js';
import type { HouseholdState } from './state.js';

export { type CaseAtStep, caseStepDuties, dutyOf, dutyOfType } from './duty-of.js';

/**
 * Separation of duties, enforced: a command's duty at the caller's level, the two-person rule
 * within a case, and corrections as the duty of the event they correct. Which duty a command
 * is: duty-of.ts.
 */

/** The duty an event of a case records (who recorded it is on its metadata). */
function dutyOfEvent(event: HistoryEvent): Duty | undefined {
  switch (event.type) {
    case 'ApplicationSubmitted':
      return 'application';
    case 'VillageReviewRecorded':
      return 'village_review';
    case 'PublicNoticeOpened':
      return event.data.level === 'township' ? 'township_notice' : 'village_notice';
    case 'TownshipReviewRecorded':
      return 'township_review';
    case 'DataComparisonRecorded':
      return 'data_comparison';
    case 'RegistrationApproved':
      return 'county_approval';
    case 'ExitProposed':
      return 'exit_proposal';
    case 'ExitConfirmed':
      return 'exit_confirmation';
    case 'ExitVerified':
      return 'township_verification';
    case 'ExitApproved':
      return 'exit_approval';
    case 'MonitoringStarted':
      return 'monitoring_decision';
    case 'RiskEliminationProposed':
      return 'elimination_proposal';
    default:
      return undefined;
  }
}

/**
 * The duty each correctable event (rules/corrections.ts) records, where one does: its
 * correction is that duty too. A monitoring decision is one only within a monitoring case (a
 * household taken in from an alert); monitoring started directly is any clerk's record.
 */
const CORRECTED_DUTIES: Partial<Record<string, Duty>> = {
  ApplicationSubmitted: 'application',
  DataComparisonRecorded: 'data_comparison',
  RegistrationApproved: 'county_approval',
  HouseholdImported: 'import',
  ExitImported: 'import',
  ExitAnnulled: 'exit_annulment',
  MonitoringStarted: 'monitoring_decision',
};

/** Whether an event opens a case (an application, an exit, a risk elimination, a monitored household's take-in). */
function opensCase(event: HistoryEvent | undefined): boolean {
  const type = event?.type;
  if (type === 'ApplicationSubmitted' || type === 'ExitProposed' || type === 'RiskEliminationProposed') return true;
  // A monitored household's identification opens with the verification that took it in.
  return type === 'RiskAlertVerified' && (event?.data as { outcome?: string } | undefined)?.outcome === 'taken_in';
}

/** The events of the case now open (or that the command closes), from the one that opened it. */
function currentCase(history: readonly HistoryEvent[]): readonly HistoryEvent[] {
  for (let i = history.length - 1; i >= 0; i--) if (opensCase(history[i])) return history.slice(i);
  return [];
}

/** The events of the case an event belongs to: from the one that opened it to the next opening. */
function caseAround(history: readonly HistoryEvent[], index: number): readonly HistoryEvent[] {
  let from = index;
  while (from > 0 && !opensCase(history[from])) from--;
  let to = index + 1;
  while (to < history.length && !opensCase(history[to])) to++;
  return history.slice(from, to);
}

/** Refuses, as `SAME_PERSON`, a duty recorded by the person who recorded the one it is kept apart from in `within`. */
function checkApart(duty: Duty, within: readonly HistoryEvent[], actor: Actor, policy: Policy): void {
  for (const [a, b] of policy.separateDuties ?? []) {
    const other = duty === a ? b : duty === b ? a : undefined;
    if (!other) continue;
    const earlier = within.find((e) => dutyOfEvent(e) === other && e.metadata.actor.id === actor.id);
    if (earlier) {
      throw new RuleViolation(
        'SAME_PERSON',
        `${actor.id} recorded the ${other} of this case; the ${duty} must be recorded by someone else`,
        { duty, otherDuty: other, actorId: actor.id, eventId: earlier.id },
      );
    }
  }
}

/**
 * A correction of an event that records a duty is that duty: only the level that records it
 * may correct it, and not the person the two-person rule keeps apart from it in its case (a
 * village clerk may not rewrite the county's approval or the data comparison's findings).
 */
function checkCorrection(
  eventId: string,
  history: readonly HistoryEvent[],
  actor: Actor,
  level: AreaLevel | undefined,
  policy: Policy,
): void {
  const index = history.findIndex((e) => e.id === eventId);
  const target = history[index];
  if (!target) return; // the decider names the missing event
  const within = caseAround(history, index);
  const inCase = opensCase(within[0]);
  const duty = target.type === 'MonitoringStarted' && !inCase ? undefined : CORRECTED_DUTIES[target.type];
  if (!duty) return;
  checkLevel(duty, level, policy);
  if (inCase) checkApart(duty, within, actor, policy);
}

/**
 * Refuses a command whose duty the caller's level may not record (`LEVEL_NOT_ALLOWED`), or that
 * the same person recorded the duty it must be kept apart from in this case (`SAME_PERSON`).
 * `level` is the caller's area level; without one (loaders and scripts acting for the system)
 * only the two-person rule applies.
 */
export function checkDuties(
  command: HouseholdCommand,
  state: HouseholdState,
  history: readonly HistoryEvent[],
  actor: Actor,
  level: AreaLevel | undefined,
  policy: Policy,
): void {
  if (command.type === 'CorrectEvent') {
    checkCorrection(command.data.eventId, history, actor, level, policy);
    return;
  }
  const duty = dutyOf(command, state);
  if (!duty) return;
  checkLevel(duty, level, policy);
  checkApart(duty, currentCase(history), actor, policy);
}

/** Refuses a duty the caller's level may not record (`LEVEL_NOT_ALLOWED`); no level: no rule. */
export function checkLevel(duty: Duty, level: AreaLevel | undefined, policy: Policy): void {
  const allowed = policy.dutyLevels?.[duty];
  if (level && allowed && !allowed.includes(level)) {
    throw new RuleViolation(
      'LEVEL_NOT_ALLOWED',
      `${duty} is recorded at ${allowed.join(' or ')} level; your area is a ${level}`,
      { duty, level, allowed },
    );
  }
}
