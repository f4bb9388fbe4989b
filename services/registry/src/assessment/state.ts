import type { Actor, AssessmentOpened, FindingRecorded, SampleDrawn } from '@registry/schema';

/** A finding as it stands: the latest recorded for its household, with who recorded it and when. */
export interface Finding extends FindingRecorded {
  surveyedOn: string;
  recordedAt: string;
  actor: Actor;
  /** Earlier findings on the same household this one replaced. */
  replaces: number;
}

/** An assessment folded from its events (up to a time, when read "as of"). */
export interface AssessmentState {
  opened: AssessmentOpened & { openedAt: string; openedBy: Actor };
  sample?: SampleDrawn & { drawnAt: string; drawnBy: Actor };
  /** By household: a registry household's id, or `<village>/<label>` for one outside the registry. */
  findings: Map<string, Finding>;
  /** Revision of the last event folded. */
  revision: number;
}

/** Where a finding is filed: one finding per household, the latest standing. */
export function findingKey(f: Pick<FindingRecorded, 'householdId' | 'villageCode' | 'label'>): string {
  return f.householdId ?? `${f.villageCode}/${f.label ?? ''}`;
}

export type AssessmentEvent =
  | { type: 'AssessmentOpened'; data: AssessmentOpened }
  | { type: 'SampleDrawn'; data: SampleDrawn }
  | { type: 'FindingRecorded'; data: FindingRecorded };

export interface StoredAssessmentEvent {
  event: AssessmentEvent;
  revision: number;
  recordedAt: string;
  effectiveAt: string;
  actor: Actor;
}

/** Folds an assessment's events in order; undefined before it was opened. */
export function foldAssessment(events: readonly StoredAssessmentEvent[]): AssessmentState | undefined {
  let state: AssessmentState | undefined;
  for (const e of events) state = evolveAssessment(state, e);
  return state;
}

export function evolveAssessment(
  state: AssessmentState | undefined,
  { event, revision, recordedAt, effectiveAt, actor }: StoredAssessmentEvent,
): AssessmentState {
  if (event.type === 'AssessmentOpened') {
    return { opened: { ...event.data, openedAt: recordedAt, openedBy: actor }, findings: new Map(), revision };
  }
  if (!state) throw new Error(`assessment: ${event.type} before AssessmentOpened`);
  switch (event.type) {
    case 'SampleDrawn':
      return { ...state, sample: { ...event.data, drawnAt: recordedAt, drawnBy: actor }, revision };
    case 'FindingRecorded': {
      const key = findingKey(event.data);
      // The fold owns its state: the map is extended in place (thousands of findings per assessment).
      const findings = state.findings;
      const before = findings.get(key);
      findings.set(key, {
        ...event.data,
        surveyedOn: effectiveAt,
        recordedAt,
        actor,
        replaces: before ? before.replaces + 1 : 0,
      });
      return { ...state, findings, revision };
    }
    default: {
      const unknown: never = event;
      throw new Error(`assessment: unknown event ${JSON.stringify(unknown)}`);
    }
  }
}
