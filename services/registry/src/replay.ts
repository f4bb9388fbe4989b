import type { ExitCriterion, Policy } from '@registry/schema';
import { evaluateExit } from './criteria.js';
import { evolve } from './evolve.js';
import { applyCorrections, type HistoryEvent } from './fold.js';
import { initialState } from './state.js';

export interface ExitReplay {
  eventId: string;
  revision: number;
  year: number;
  exitedOn: string;
  recordedAt: string;
  /** The income line the approval used, and the policy it came from. */
  approvedWith: { incomeLineFen: number; policyId: string; incomePerCapitaFen: number };
  /** The policy version the exit was replayed under. */
  replayedWith: string;
  passes: boolean;
  unmet: ExitCriterion[];
  facts: Record<string, unknown>;
}

/**
 * "回头看": re-runs the exit rule under `policy` (one, or the one for an exit's date) for every
 * exit the household was granted, on its history as known now (corrections applied), and says
 * which would not pass.
 */
export function replayExits(
  events: readonly HistoryEvent[],
  policy: Policy | ((exitedOn: string) => Policy),
): ExitReplay[] {
  const replays: ExitReplay[] = [];
  let state = initialState();
  for (const event of applyCorrections(events)) {
    if (event.type === 'ExitApproved') {
      const under = typeof policy === 'function' ? policy(event.data.exitedOn) : policy;
      const evaluation = evaluateExit(state, event.data.year, under);
      replays.push({
        eventId: event.id,
        revision: event.revision,
        year: event.data.year,
        exitedOn: event.data.exitedOn,
        recordedAt: event.recordedAt,
        approvedWith: {
          incomeLineFen: event.data.evidence.incomeLineFen,
          policyId: event.data.evidence.policyId,
          incomePerCapitaFen: event.data.evidence.incomePerCapitaFen,
        },
        replayedWith: under.id,
        passes: evaluation.unmet.length === 0,
        unmet: evaluation.unmet,
        facts: evaluation.facts,
      });
    }
    state = evolve(state, event);
  }
  return replays;
}
