import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  FORWARDS,
  RUNNING,
  START,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { decodePosition } from '../position.js';
import type { ListStreamsOptions, Position } from '../types.js';

/** The server's standard projections the listing and the counts read (ProjectionsSubsystem.cs, `StandardProjections`). */
export const STREAMS_BY_CATEGORY = '$stream_by_category';
export const EVENTS_BY_CATEGORY = '$by_category';

/**
 * Streams and events by category, from EventStoreDB's standard system projections, for
 * rebuilds stream by stream and their progress totals. The server (24.10,
 * EventStore.Projections.Core/Standard) keeps them only when it runs its projections
 * (`EVENTSTORE_RUN_PROJECTIONS=System` or `All`) with the standard ones started
 * (`EVENTSTORE_START_STANDARD_PROJECTIONS=true`):
 *
 * - `$stream_by_category` (CategorizeStreamByPath.cs) writes, for the first event of each stream,
 *   one `$@` event to `$category-<category>` whose data is the stream's name; the category is
 *   the name before its first `-` (household-… → household).
 * - `$by_category` (CategorizeEventsByStreamPath.cs) links every event of a category into
 *   `$ce-<category>`, so that stream's last revision + 1 counts them.
 *
 * Both follow the log a little behind it: a listing is trusted only once `$stream_by_category`
 * has passed the position asked for (its statistics' `position`, TFPos "C:…/P:…").
 */
export class Categories {
  private listing: { category: string; names: string[] } | undefined;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly waitMs = 30_000,
  ) {}

  /** Whether the listing holds every stream begun at or before `upTo`: waits up to `waitMs` for the projection to pass it. */
  async covers(upTo: Position): Promise<boolean> {
    const [commit, prepare] = decodePosition(upTo);
    const until = Date.now() + this.waitMs;
    for (;;) {
      const at = await this.projectionAt(STREAMS_BY_CATEGORY);
      if (at === undefined) return false;
      if (at.commit > commit || (at.commit === commit && at.prepare >= prepare)) return true;
      if (Date.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Names of the streams of the prefix's category, in name order, after `after`. The category's
   * names are read whole when a listing begins (no `after`) and paged from memory: about 60
   * bytes a stream, 6 MB for a county of 100,000 households.
   */
  async list(options: ListStreamsOptions): Promise<string[]> {
    const category = categoryOf(options.prefix);
    if (options.after === undefined || this.listing?.category !== category) {
      this.listing = { category, names: await this.names(category) };
    }
    const { names } = this.listing;
    let from = 0;
    if (options.after !== undefined) {
      // First name after `after`, by bisection of the sorted names.
      let hi = names.length;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if ((names[mid] as string) <= options.after) from = mid + 1;
        else hi = mid;
      }
    }
    return names.slice(from, from + options.limit);
  }

  /** How many events the prefix's category holds, or undefined when `$by_category` does not run. */
  async count(prefix: string): Promise<number | undefined> {
    const category = categoryOf(prefix);
    if ((await this.projectionAt(EVENTS_BY_CATEGORY)) === undefined) return undefined;
    try {
      const read = this.client.readStream(`$ce-${category}`, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
        resolveLinkTos: false,
      });
      for await (const resolved of read) {
        const revision = resolved.event?.revision;
        if (revision !== undefined) return Number(revision) + 1;
      }
      return 0;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 0;
      throw error;
    }
  }

  private async names(category: string): Promise<string[]> {
    const names = new Set<string>();
    try {
      const read = this.client.readStream(`$category-${category}`, {
        direction: FORWARDS,
        fromRevision: START,
        resolveLinkTos: false,
      });
      for await (const resolved of read) {
        const data = resolved.event?.data;
        if (data instanceof Uint8Array) names.add(Buffer.from(data).toString('utf8'));
        else if (typeof data === 'string') names.add(data);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return [...names].sort();
  }

  /** Where a standard projection stands, or undefined when it does not run (or projections are off). */
  private async projectionAt(name: string): Promise<{ commit: bigint; prepare: bigint } | undefined> {
    try {
      const status = await this.client.getProjectionStatus(name);
      if (status.projectionStatus !== RUNNING) return undefined;
      return parseProjectionPosition(status.position);
    } catch {
      // Projections off: the server answers the management call with an error.
      return undefined;
    }
  }
}

/** A projection's position as its statistics give it: "C:123/P:120" (a TFPos), within whatever else the tag holds. */
export function parseProjectionPosition(text: string): { commit: bigint; prepare: bigint } | undefined {
  const match = /C:(\d+)\/P:(\d+)/.exec(text);
  if (!match) return undefined;
  return { commit: BigInt(match[1] as string), prepare: BigInt(match[2] as string) };
}

/** Whether a stream prefix is a whole category and its "-" ("household-"), as the server's category projections split names. */
export function isCategoryPrefix(prefix: string): boolean {
  const category = prefix.slice(0, -1);
  return prefix.endsWith('-') && category.length > 0 && !category.includes('-');
}

/** The category a stream prefix names: "household-" → "household". Only whole categories can be listed. */
function categoryOf(prefix: string): string {
  const category = prefix.slice(0, -1);
  if (!isCategoryPrefix(prefix)) {
    throw new RangeError(
      `prefix: EventStoreDB lists streams by category, a category and its "-" (e.g. "household-"), got "${prefix}"`,
    );
  }
  return category;
}
