import type { EventStore } from '@registry/eventstore';
import { AreaEvents, areaStream } from '@registry/schema';

/**
 * The rural population of each area for a year, as known at `knownAt`: the last figure recorded
 * by then, read from the areas' own streams (a figure corrected later does not change it).
 * Null where none was recorded by then.
 */
export async function populationsKnownAt(
  store: EventStore,
  areaCodes: readonly string[],
  year: number,
  knownAt: string,
): Promise<Map<string, number | null>> {
  const cut = new Date(knownAt).getTime();
  const streams = await store.readStreams(areaCodes.map(areaStream));
  const result = new Map<string, number | null>();
  for (const code of areaCodes) {
    let population: number | null = null;
    for (const e of streams.get(areaStream(code)) ?? []) {
      if (e.type !== AreaEvents.RuralPopulationRecorded.type || new Date(e.recordedAt).getTime() > cut) continue;
      const data = AreaEvents.RuralPopulationRecorded.schema.parse(e.data);
      if (data.year === year) population = data.population;
    }
    result.set(code, population);
  }
  return result;
}
