import { EventIdConflict, type EventStore, type RecordedEvent, WrongExpectedVersion } from '@registry/eventstore';
import {
  type Actor,
  AreaCommands,
  type AreaCommandType,
  AreaEvents,
  type AreaEventType,
  type AreaExitEvidence,
  type AreaLevel,
  areaStream,
  type Duty,
  type Policy,
} from '@registry/schema';
import type { z } from 'zod';
import { checkLevel } from '../duties.js';
import { commandIdTaken, commandMetadata, futureDate, HANDLER_PATHS, type IssuePaths, issues } from '../envelope.js';
import { ValidationError } from '../errors.js';
import { deriveId } from '../ids.js';
import { type PolicySource, policySource } from '../policy-book.js';
import {
  type AreaEvent,
  type AreaState,
  decideAnnouncement,
  decideDesignation,
  decideProposal,
  decideReview,
  evolveArea,
  exitDuty,
  exitThreshold,
} from './decide.js';

export interface AreaRecordResult {
  areaCode: string;
  position: string;
  duplicate: boolean;
}

type Command<T extends AreaCommandType> = z.infer<(typeof AreaCommands)[T]>;
type Paths = Pick<IssuePaths, 'envelope'>;
interface Options {
  /** The caller's area level: the policy's dutyLevels say which steps it records. Absent for the system. */
  level?: AreaLevel;
  paths?: Paths;
}

/** What an exit's evidence needs from the read side: the area's incidence in the year, as known now. */
export type ExitEvidenceSource = (
  areaCode: string,
  year: number,
  assessmentId: string | undefined,
) => Promise<Omit<AreaExitEvidence, 'threshold'>>;

/**
 * Records on an area's own stream (`area-<code>`): poor-village designations and exits, step by
 * step. Idempotent by command id; appended at the revision read.
 */
export class AreaRecordHandler {
  private readonly clock: () => Date;

  constructor(
    private readonly store: EventStore,
    options: { policy: Policy | PolicySource; clock?: () => Date },
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.policies = policySource(options.policy);
  }

  private readonly policies: PolicySource;

  designatePoorVillage(input: unknown, actor: Actor, options: Options = {}) {
    return this.execute('DesignatePoorVillage', input, actor, options, 'poor_village_designation', async (s, c) => ({
      type: 'PoorVillageDesignated',
      data: decideDesignation(s, c),
    }));
  }

  proposeExit(input: unknown, actor: Actor, evidenceOf: ExitEvidenceSource, options: Options = {}) {
    return this.execute(
      'ProposeAreaExit',
      input,
      actor,
      options,
      (c) => exitDuty(c.areaCode, 'proposal'),
      async (s, c) => {
        const found = await evidenceOf(c.areaCode, c.year, c.assessmentId);
        const policy = (await this.policies.timeline()).at(c.effectiveAt);
        const threshold = exitThreshold(policy, c.west);
        return { type: 'AreaExitProposed', data: decideProposal(s, c, { ...found, threshold }) };
      },
    );
  }

  reviewExit(input: unknown, actor: Actor, options: Options = {}) {
    return this.execute(
      'ReviewAreaExit',
      input,
      actor,
      options,
      (c) => exitDuty(c.areaCode, 'review'),
      async (s, c) => ({
        type: 'AreaExitReviewed',
        data: decideReview(s, c),
      }),
    );
  }

  announceExit(input: unknown, actor: Actor, options: Options = {}) {
    return this.execute(
      'AnnounceAreaExit',
      input,
      actor,
      options,
      (c) => exitDuty(c.areaCode, 'announcement'),
      async (s, c) => ({ type: 'AreaExitAnnounced', data: decideAnnouncement(s, c) }),
    );
  }

  /** The area's record as known at `knownAt` (default: everything recorded). */
  async read(areaCode: string, knownAt?: string): Promise<AreaState> {
    const cut = knownAt ? new Date(knownAt).getTime() : Number.POSITIVE_INFINITY;
    const events = (await this.store.readStream(areaStream(areaCode))).filter(
      (e) => new Date(e.recordedAt).getTime() <= cut,
    );
    return fold(events);
  }

  private async execute<T extends AreaCommandType>(
    type: T,
    input: unknown,
    actor: Actor,
    { level, paths = HANDLER_PATHS }: Options,
    duty: Duty | ((c: Command<T>) => Duty),
    decide: (state: AreaState, command: Command<T>) => Promise<AreaEvent>,
  ): Promise<AreaRecordResult> {
    const parsed = AreaCommands[type].safeParse(input);
    if (!parsed.success) throw new ValidationError(issues(parsed.error, paths));
    const c = parsed.data as Command<T>;
    const future = futureDate(c.effectiveAt, this.clock(), paths.envelope('effectiveAt'));
    if (future.length > 0) throw new ValidationError(future);
    checkLevel(typeof duty === 'function' ? duty(c) : duty, level, (await this.policies.timeline()).at(c.effectiveAt));
    // A designation or an exit is of a year that has begun by its effective date.
    if ('year' in c && typeof c.year === 'number' && c.year > Number(c.effectiveAt.slice(0, 4))) {
      throw new ValidationError([
        {
          path: paths.envelope('year'),
          message: `must not be after the effective date's year (${c.effectiveAt.slice(0, 4)})`,
        },
      ]);
    }
    const stream = areaStream(c.areaCode);
    const id = deriveId(c.commandId, 'event-0');
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.store.readStream(stream);
      const earlier = recorded.find((e) => e.id === id);
      if (earlier) return { areaCode: c.areaCode, position: earlier.position, duplicate: true };
      const event = await decide(fold(recorded), c);
      try {
        const appended = await this.store.append(
          stream,
          [
            {
              id,
              type: event.type,
              data: event.data,
              metadata: { ...commandMetadata(c, actor), schemaVersion: AreaEvents[event.type].version },
            },
          ],
          { expectedRevision: recorded.length === 0 ? 'no_stream' : recorded.length - 1 },
        );
        return { areaCode: c.areaCode, position: appended.position, duplicate: appended.duplicate === true };
      } catch (error) {
        if (error instanceof EventIdConflict) throw commandIdTaken(paths);
        if (!(error instanceof WrongExpectedVersion) || attempt >= 10) throw error;
      }
    }
  }
}

function fold(events: readonly RecordedEvent[]): AreaState {
  let state: AreaState = {};
  for (const e of events) {
    if (!Object.hasOwn(AreaEvents, e.type)) throw new Error(`${e.streamName}: ${e.type} is not an area event`);
    const type = e.type as AreaEventType;
    const data = AreaEvents[type].schema.parse(e.data);
    state = evolveArea(state, { type, data } as AreaEvent, e.metadata.effectiveAt);
  }
  return state;
}
