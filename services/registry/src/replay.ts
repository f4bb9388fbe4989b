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
  passes: boolean;
  unmet: ExitCriterion[];
  facts: Record<string, unknown>;
}

/**
 * "回头看": re-runs the exit rule under `policy` for every exit the household was granted,
 * on its history as known now (corrections applied), and says which would not pass.
 */
export function replayExits(events: readonly HistoryEvent[], policy: Policy): ExitReplay[] {
  const replays: ExitReplay[] = [];
  let state = initialState();
  for (const event of applyCorrections(events)) {
    if (event.type === 'ExitApproved') {
      const evaluation = evaluateExit(state, event.data.year, policy);
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
        passes: evaluation.unmet.length === 0,
        unmet: evaluation.unmet,
        facts: evaluation.facts,
      });
    }
    state = evolve(state, event);
  }
  return replays;
}
