import type { EventStore } from '@registry/eventstore';
import { claimHead, claimStream } from '@registry/registry';
import { householdStream, type Member } from '@registry/schema';
import type { PlannedCommand } from './plan.js';

/** The simulation would write over what the registry already holds: nothing was written. */
export class SimulationRefused extends Error {}

/** How many households of a plan are checked: the first ones, then one in every `every`, and the last. */
const FIRST = 20;
const EVERY = 500;

/** Indexes of the households a plan's check reads: a collision of seeds or counties is systematic, so a sample finds it. */
export function sampled(count: number): number[] {
  const picks = new Set<number>();
  for (let i = 0; i < Math.min(FIRST, count); i++) picks.add(i);
  for (let i = FIRST; i < count; i += EVERY) picks.add(i);
  if (count > 0) picks.add(count - 1);
  return [...picks];
}

/** The ID and card numbers a household's plan gives it, with where they come from. */
function keysOf(plan: readonly PlannedCommand[]): { kind: 'person' | 'card'; value: string }[] {
  const keys: { kind: 'person' | 'card'; value: string }[] = [];
  for (const c of plan) {
    const members = (c.data.members as Member[] | undefined) ?? [];
    for (const m of members) keys.push({ kind: 'person', value: m.nationalId });
    const joining = c.data.member as Member | undefined;
    if (joining) keys.push({ kind: 'person', value: joining.nationalId });
    if (typeof c.data.cardNumber === 'string') keys.push({ kind: 'card', value: c.data.cardNumber });
  }
  return keys;
}

/**
 * Refuses, before anything is written, a simulation whose households would collide with what
 * the registry holds: a household of the same id with another history (an earlier run of
 * another size, or another seed's), or an ID or card number another household holds (another
 * seed's run of the same county, or a county of the same city). A rerun of the same plan
 * passes: its households and keys are its own, and it writes nothing new.
 */
export async function checkCollisions(
  store: EventStore,
  plans: readonly (readonly PlannedCommand[])[],
  county: string,
): Promise<void> {
  for (const plan of plans) {
    const first = plan[0];
    if (!first) continue;
    const stored = await store.readStream(householdStream(first.householdId), { maxCount: 1 });
    const storedCommand = stored[0]?.metadata.commandId;
    // The same command id with another village: the plan was laid out for another size.
    const village = (data: unknown) => (data as { household?: { villageCode?: string } }).household?.villageCode;
    const moved = stored[0] !== undefined && village(stored[0].data) !== village(first.data);
    if (stored.length > 0 && (storedCommand !== first.commandId || moved)) {
      throw new SimulationRefused(
        `household ${first.householdId} (number ${first.household} of county ${county}) is already in the registry with another history ` +
          `(its first command ${storedCommand ?? '?'}, this plan's ${first.commandId}): it was simulated with another --households or --seed; ` +
          'run again with those, or simulate into another database',
      );
    }
    for (const key of keysOf(plan)) {
      const head = claimHead(await store.readStream(claimStream(key.kind, key.value)));
      if (head.holder !== undefined && head.holder !== first.householdId) {
        const what = key.kind === 'person' ? 'ID number' : 'card number';
        throw new SimulationRefused(
          `${what} ${key.value}, which this plan gives household ${first.household} of county ${county}, is held by household ${head.holder}: ` +
            'the registry holds another simulation of this county (another --seed) or of a county of the same city (ID numbers begin with the city); ' +
            'choose a county of another city, or the seed of the earlier run',
        );
      }
    }
  }
}
