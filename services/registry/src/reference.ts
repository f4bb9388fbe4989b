import { EventIdConflict, type EventStore, WrongExpectedVersion } from '@registry/eventstore';
import { type Actor, AreaEvents, areaStream, MergeArea, NameArea, RecordRuralPopulation } from '@registry/schema';
import type { z } from 'zod';
import { commandIdTaken, commandMetadata, futureDate, HANDLER_PATHS, type IssuePaths, issues } from './envelope.js';
import { ValidationError } from './errors.js';
import { deriveId } from './ids.js';

export interface ReferenceResult {
  areaCode: string;
  position: string;
  duplicate: boolean;
}

/**
 * Records area reference data as events: rural population, and the division register's later
 * changes (a name from a date, a merger). Idempotent by command id: the event id derives from it,
 * so the store recognises a retry.
 */
export class AreaReferenceHandler {
  constructor(
    private readonly store: EventStore,
    /** The time now, to refuse effective dates in the future. */
    private readonly clock: () => Date = () => new Date(),
    /** Whether an area is known on a date (the national register or a name recorded): a merger's target must be. */
    private readonly knownArea?: (code: string, on: string) => Promise<boolean>,
  ) {}

  /** `paths` names the input's fields in issues, as the caller's caller sent them. */
  async recordRuralPopulation(
    input: unknown,
    actor: Actor,
    paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS,
  ): Promise<ReferenceResult> {
    const c = this.parse(RecordRuralPopulation, input, paths);
    return this.record(
      c,
      AreaEvents.RuralPopulationRecorded,
      { areaCode: c.areaCode, year: c.year, population: c.population },
      actor,
      paths,
    );
  }

  /** 区划更名: an area's name from a date, or a code the register lacks (a village split off). Admins only, by the caller. */
  async nameArea(input: unknown, actor: Actor, paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS) {
    const c = this.parse(NameArea, input, paths);
    return this.record(c, AreaEvents.AreaNamed, { areaCode: c.areaCode, name: c.areaName }, actor, paths);
  }

  /** 撤并: an area merged into another of its level from a date; the other must be known by then. */
  async mergeArea(input: unknown, actor: Actor, paths: Pick<IssuePaths, 'envelope'> = HANDLER_PATHS) {
    const c = this.parse(MergeArea, input, paths);
    if (this.knownArea && !(await this.knownArea(c.into, c.effectiveAt))) {
      throw new ValidationError([
        {
          path: paths.envelope('into'),
          message: 'must be an area in the national register or named before the merger',
        },
      ]);
    }
    return this.record(c, AreaEvents.AreaMerged, { areaCode: c.areaCode, into: c.into }, actor, paths);
  }

  private parse<T extends { effectiveAt: string }>(
    schema: { safeParse(input: unknown): { success: true; data: T } | { success: false; error: z.ZodError } },
    input: unknown,
    paths: Pick<IssuePaths, 'envelope'>,
  ): T {
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw new ValidationError(issues(parsed.error, paths));
    const future = futureDate(parsed.data.effectiveAt, this.clock(), paths.envelope('effectiveAt'));
    if (future.length > 0) throw new ValidationError(future);
    return parsed.data;
  }

  private async record(
    c: { commandId: string; areaCode: string; effectiveAt: string; reason?: string | undefined },
    definition: { type: string; version: number },
    data: { [field: string]: string | number },
    actor: Actor,
    paths: Pick<IssuePaths, 'envelope'>,
  ): Promise<ReferenceResult> {
    const id = deriveId(c.commandId, 'event-0');
    const stream = areaStream(c.areaCode);
    const event = {
      id,
      type: definition.type,
      data,
      metadata: { ...commandMetadata(c, actor), schemaVersion: definition.version },
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
