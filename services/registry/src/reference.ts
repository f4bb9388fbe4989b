import { EventIdConflict, type EventStore, WrongExpectedVersion } from '@registry/eventstore';
import { type Actor, AreaEvents, areaStream, RecordRuralPopulation } from '@registry/schema';
import { commandIdTaken, commandMetadata, futureDate, HANDLER_PATHS, type IssuePaths, issues } from './envelope.js';
import { ValidationError } from './errors.js';
import { deriveId } from './ids.js';

export interface ReferenceResult {
  areaCode: string;
  position: string;
  duplicate: boolean;
}

/**
 * Records area reference data (rural population) as events. Idempotent by command id: the
 * event id derives from it, so the store recognises a retry.
 */
export class AreaReferenceHandler {
  constructor(
    private readonly store: EventStore,
    /** The time now, to refuse effective dates in the future. */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** `paths` names the input's fields in issues, as the caller's caller sent them. */
  async recordRuralPopulation(
    input: unknown,
    actor: Actor,
    paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS,
  ): Promise<ReferenceResult> {
    const parsed = RecordRuralPopulation.safeParse(input);
    if (!parsed.success) throw new ValidationError(issues(parsed.error, paths));
    const c = parsed.data;
    const future = futureDate(c.effectiveAt, this.clock(), paths.envelope('effectiveAt'));
    if (future.length > 0) throw new ValidationError(future);
    const id = deriveId(c.commandId, 'event-0');
    const stream = areaStream(c.areaCode);
    const event = {
      id,
      type: AreaEvents.RuralPopulationRecorded.type,
      data: { areaCode: c.areaCode, year: c.year, population: c.population },
      metadata: { ...commandMetadata(c, actor), schemaVersion: AreaEvents.RuralPopulationRecorded.version },
    };
    // Appended at the exact revision read, never "any": EventStoreDB recognises a retried
    // event id durably only then (with "any" only from a cache a restart empties).
    let appended: Awaited<ReturnType<EventStore['append']>> | undefined;
    for (let attempt = 1; !appended; attempt++) {
      const recorded = await this.store.readStream(stream);
      const existing = recorded.find((e) => e.id === id);
      if (existing) return { areaCode: c.areaCode, position: existing.position, duplicate: true };
      try {
        appended = await this.store.append(stream, [event], {
          expectedRevision: recorded.length === 0 ? 'no_stream' : recorded.length - 1,
        });
      } catch (error) {
        if (error instanceof EventIdConflict) throw commandIdTaken(paths);
        if (!(error instanceof WrongExpectedVersion) || attempt >= 10) throw error;
      }
    }
    return { areaCode: c.areaCode, position: appended.position, duplicate: appended.duplicate === true };
  }
}
