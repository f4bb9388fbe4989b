import { EventIdConflict, type EventStore, type RecordedEvent, WrongExpectedVersion } from '@registry/eventstore';
import {
  type Actor,
  ASSESSMENT_STREAM_PREFIX,
  AssessmentCommands,
  type AssessmentCommandType,
  AssessmentEvents,
  type AssessmentEventType,
  assessmentStream,
  chinaDate,
  type Policy,
  type SampleDrawn,
} from '@registry/schema';
import type { z } from 'zod';
import { commandIdTaken, commandMetadata, futureDate, HANDLER_PATHS, type IssuePaths, issues } from '../envelope.js';
import { RuleViolation, ValidationError } from '../errors.js';
import { deriveId } from '../ids.js';
import { type PolicySource, policySource } from '../policy-book.js';
import { decideDraw, decideFinding, decideOpen, type RegistryAtCutoff } from './decide.js';
import { type AssessmentEvent, type AssessmentState, foldAssessment, type StoredAssessmentEvent } from './state.js';

export interface AssessmentResult {
  assessmentId: string;
  position: string;
  revision: number;
  duplicate: boolean;
}

type Command<T extends AssessmentCommandType> = z.infer<(typeof AssessmentCommands)[T]>;

/**
 * Commands on assessments: validate, read and fold the assessment's stream, decide, append at
 * the revision read. Idempotent by command id (the event id derives from it).
 */
export class AssessmentHandler {
  private readonly clock: () => Date;

  constructor(
    private readonly store: EventStore,
    private readonly options: { policy: Policy | PolicySource; clock?: () => Date },
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  open(input: unknown, actor: Actor, paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS): Promise<AssessmentResult> {
    return this.execute('OpenAssessment', input, actor, paths, async (state, c) => ({
      type: 'AssessmentOpened',
      data: decideOpen(state, c, this.clock()),
    }));
  }

  /**
   * Reveals the seed and draws; `registryAt` reads the registry at the assessment's two dates,
   * `logHead` signs the log's head that the draw records (every event known at knownAt under it).
   */
  draw(
    input: unknown,
    actor: Actor,
    registryAt: (opened: AssessmentState['opened']) => Promise<RegistryAtCutoff>,
    paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS,
    logHead?: () => Promise<SampleDrawn['logHead']>,
  ): Promise<AssessmentResult> {
    return this.execute('DrawSample', input, actor, paths, async (state, c) => {
      const open = opened(state, c.assessmentId);
      // Checked before the registry is read: a wrong seed costs nothing.
      if (open.sample) return { type: 'SampleDrawn', data: decideDraw(open, c, EMPTY_REGISTRY) };
      const registry = await registryAt(open.opened);
      return { type: 'SampleDrawn', data: decideDraw(open, c, registry, await logHead?.()) };
    });
  }

  record(input: unknown, actor: Actor, paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS): Promise<AssessmentResult> {
    return this.execute('RecordFinding', input, actor, paths, async (state, c) => {
      const open = opened(state, c.assessmentId);
      const problems = futureDate(c.surveyedOn, this.clock(), paths.envelope('surveyedOn'));
      if (c.surveyedOn < open.opened.knownAt.slice(0, 10)) {
        problems.push({ path: paths.envelope('surveyedOn'), message: 'must not be before the assessment opened' });
      }
      if (problems.length > 0) throw new ValidationError(problems);
      const findingId = deriveId(c.commandId, 'finding');
      return {
        type: 'FindingRecorded',
        // The income line of the assessed year, as the policy in force at the cut-off sets it.
        data: decideFinding(
          open,
          c,
          findingId,
          (await policySource(this.options.policy).timeline()).at(open.opened.cutoff),
        ),
        effectiveAt: c.surveyedOn,
      };
    });
  }

  /** The assessment as its events stood at `asOf` (default: everything recorded). */
  async read(assessmentId: string, asOf?: string): Promise<AssessmentState | undefined> {
    const events = await this.events(assessmentId);
    const cut = asOf ? new Date(asOf).getTime() : Number.POSITIVE_INFINITY;
    return foldAssessment(events.filter((e) => new Date(e.recordedAt).getTime() <= cut));
  }

  /** Every assessment's id, when the store can list streams (PostgreSQL); undefined otherwise. */
  async list(): Promise<string[] | undefined> {
    if (!this.store.listStreams) return undefined;
    const ids: string[] = [];
    for (let after: string | undefined; ; ) {
      const page = await this.store.listStreams({
        prefix: ASSESSMENT_STREAM_PREFIX,
        limit: 500,
        ...(after ? { after } : {}),
      });
      ids.push(...page.map((s) => s.slice(ASSESSMENT_STREAM_PREFIX.length)));
      if (page.length < 500) return ids;
      after = page[page.length - 1];
    }
  }

  private async events(assessmentId: string): Promise<StoredAssessmentEvent[]> {
    return (await this.store.readStream(assessmentStream(assessmentId))).map(parseStored);
  }

  private async execute<T extends AssessmentCommandType>(
    type: T,
    input: unknown,
    actor: Actor,
    paths: Pick<IssuePaths, 'envelope'>,
    decide: (
      state: AssessmentState | undefined,
      command: Command<T>,
    ) => Promise<AssessmentEvent & { effectiveAt?: string }>,
  ): Promise<AssessmentResult> {
    const parsed = AssessmentCommands[type].safeParse(input);
    if (!parsed.success) throw new ValidationError(issues(parsed.error, paths));
    const c = parsed.data as Command<T>;
    const stream = assessmentStream(c.assessmentId);
    const id = deriveId(c.commandId, 'event-0');
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.store.readStream(stream);
      const earlier = recorded.find((e) => e.id === id);
      if (earlier) {
        return {
          assessmentId: c.assessmentId,
          position: earlier.position,
          revision: earlier.revision,
          duplicate: true,
        };
      }
      const decided = await decide(foldAssessment(recorded.map(parseStored)), c);
      const effectiveAt = decided.effectiveAt ?? chinaDate(this.clock());
      const event = {
        id,
        type: decided.type,
        data: decided.data,
        metadata: { ...commandMetadata({ ...c, effectiveAt }, actor), schemaVersion: 1 },
      };
      try {
        const appended = await this.store.append(stream, [event], {
          expectedRevision: recorded.length === 0 ? 'no_stream' : recorded.length - 1,
        });
        return {
          assessmentId: c.assessmentId,
          position: appended.position,
          revision: appended.nextExpectedRevision,
          duplicate: appended.duplicate === true,
        };
      } catch (error) {
        if (error instanceof EventIdConflict) throw commandIdTaken(paths);
        if (!(error instanceof WrongExpectedVersion) || attempt >= 10) throw error;
      }
    }
  }
}

const EMPTY_REGISTRY: RegistryAtCutoff = {
  frame: { villages: [], households: [] },
  area: { population: null, registeredPeople: 0, exitedPeople: 0, cardedPeople: 0 },
  villages: new Map(),
};

function opened(state: AssessmentState | undefined, assessmentId: string): AssessmentState {
  if (!state) {
    throw new RuleViolation('NO_SUCH_ASSESSMENT', `there is no assessment ${assessmentId}`, { field: 'assessmentId' });
  }
  return state;
}

function parseStored(e: RecordedEvent): StoredAssessmentEvent {
  if (!Object.hasOwn(AssessmentEvents, e.type))
    throw new Error(`${e.streamName}: ${e.type} is not an assessment event`);
  const type = e.type as AssessmentEventType;
  const data = AssessmentEvents[type].parse(e.data);
  const metadata = e.metadata;
  return {
    event: { type, data } as AssessmentEvent,
    revision: e.revision,
    recordedAt: e.recordedAt,
    effectiveAt: metadata.effectiveAt,
    actor: metadata.actor,
  };
}
