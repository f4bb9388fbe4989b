import type { EventStore, EventToAppend } from '@registry/eventstore';
import {
  AreaReferenceHandler,
  type ClaimHead,
  claimEvent,
  DomainError,
  decide,
  eventsToAppend,
  evolve,
  HouseholdCommandHandler,
  type HouseholdState,
  heldKeys,
  initialState,
  keyChanges,
  keyTaken,
} from '@registry/registry';
import {
  HOUSEHOLD_STREAM_PREFIX,
  type HouseholdCommand,
  HouseholdCommands,
  householdStream,
  NATIONAL_POLICY,
  type Policy,
} from '@registry/schema';
import { checkCollisions, sampled } from './collisions.js';
import { type PlannedCommand, planCounty, planHousehold, populations, type SimulationOptions } from './plan.js';

export interface RunOptions extends SimulationOptions {
  /** `handler`: every command through the command handler; `bulk`: the same decider in memory, batched appends. */
  mode: 'handler' | 'bulk';
  store: EventStore;
  /** Households planned and written together (their commands in date order). */
  groupSize?: number;
  /** Households handled at once in handler mode. */
  concurrency?: number;
  policy?: Policy;
  onProgress?(done: number, total: number): void;
}

export interface SimulationResult {
  households: number;
  commands: number;
  events: number;
  /** Refusals the plan expects (exits proposed below the line). */
  refused: number;
  /** Refusals the plan did not expect: a bug in the plan or the rules. Listed, at most 20. */
  unexpected: string[];
  seconds: number;
}

/** A county's history, written to `store` by the chosen mode. The same seed gives the same events. */
export async function simulate(options: RunOptions): Promise<SimulationResult> {
  const start = performance.now();
  const policy = options.policy ?? NATIONAL_POLICY;
  const county = planCounty(options);
  const villages = county.townships.flatMap((t) => t.villages);
  const households = villages.flatMap((v) => v.households.map((h) => ({ h, village: v.code })));
  const groupSize = options.groupSize ?? 5000;
  // Nothing is written where the plan would collide with what the registry holds.
  await checkCollisions(
    options.store,
    sampled(households.length).map((i) => {
      const { h, village } = households[i] as { h: number; village: string };
      return planHousehold(options.seed, h, village);
    }),
    county.code.slice(0, 6),
  );
  const result: SimulationResult = {
    households: households.length,
    commands: 0,
    events: 0,
    refused: 0,
    unexpected: [],
    seconds: 0,
  };
  const refuse = (command: PlannedCommand, error: unknown) => {
    if (command.refused && error instanceof DomainError) {
      result.refused++;
      return;
    }
    if (result.unexpected.length < 20) {
      result.unexpected.push(
        `household ${command.household} ${command.type} on ${command.effectiveAt}: ${(error as Error).message}`,
      );
    } else result.unexpected.length = 20;
  };

  const reference = new AreaReferenceHandler(options.store);
  const statistics = { id: 'county-statistics', role: 'admin' as const, unit: county.code };
  for (const p of populations(county)) {
    await reference.recordRuralPopulation(
      { commandId: `sim-${options.seed}-population-${p.areaCode}-${p.year}`, ...p, effectiveAt: `${p.year}-12-31` },
      statistics,
    );
  }

  // Claims on ID and card numbers, as the handler keeps them: written in bulk too.
  const claims: Claims = { heads: new Map(), holders: new Map() };
  let done = 0;
  for (let g = 0; g < households.length; g += groupSize) {
    const group = households.slice(g, g + groupSize);
    const commands = group.flatMap(({ h, village }) => planHousehold(options.seed, h, village));
    commands.sort((a, b) =>
      a.recordOn < b.recordOn ? -1 : a.recordOn > b.recordOn ? 1 : a.household - b.household || a.seq - b.seq,
    );
    result.commands += commands.length;
    if (options.mode === 'handler') await runHandler(commands, options, policy, result, refuse);
    else await runBulk(commands, options.store, policy, result, refuse, claims);
    done += group.length;
    options.onProgress?.(done, households.length);
  }
  result.seconds = (performance.now() - start) / 1000;
  return result;
}

function envelopeOf(c: PlannedCommand) {
  return {
    commandId: c.commandId,
    householdId: c.householdId,
    effectiveAt: c.effectiveAt,
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

async function runHandler(
  commands: PlannedCommand[],
  options: RunOptions,
  policy: Policy,
  result: SimulationResult,
  refuse: (c: PlannedCommand, e: unknown) => void,
): Promise<void> {
  const handler = new HouseholdCommandHandler(options.store, { policy });
  const concurrency = options.concurrency ?? 8;
  // One day at a time; within a day each household's commands in order, households in parallel.
  let i = 0;
  while (i < commands.length) {
    const day = (commands[i] as PlannedCommand).recordOn;
    const chains = new Map<number, PlannedCommand[]>();
    for (; i < commands.length && (commands[i] as PlannedCommand).recordOn === day; i++) {
      const c = commands[i] as PlannedCommand;
      chains.set(c.household, [...(chains.get(c.household) ?? []), c]);
    }
    const queue = [...chains.values()];
    await Promise.all(
      Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let chain = queue.shift(); chain; chain = queue.shift()) {
          for (const c of chain) {
            try {
              const handled = await handler.handle(envelopeOf(c), c.type, c.data, c.actor);
              if (!handled.duplicate) result.events += handled.events.length;
            } catch (error) {
              refuse(c, error);
            }
          }
        }
      }),
    );
  }
}

interface Live {
  state: HouseholdState;
  version: number;
  events: Map<string, { type: string; data: unknown }>;
}

/** Claim streams as the bulk load has written them, and the state of each household that holds a key. */
interface Claims {
  heads: Map<string, ClaimHead>;
  holders: Map<string, HouseholdState>;
}

async function runBulk(
  commands: PlannedCommand[],
  store: EventStore,
  policy: Policy,
  result: SimulationResult,
  refuse: (c: PlannedCommand, e: unknown) => void,
  claims: Claims,
): Promise<void> {
  const live = new Map<string, Live>();
  let pending = new Map<string, { events: EventToAppend[]; expectedRevision: number | 'no_stream' }>();
  let pendingCount = 0;
  // One flush in flight while the next batch is decided: a stream's later append waits on
  // the earlier one's lock in PostgreSQL, so order within a stream holds.
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    const items = [...pending].map(([stream, p]) => ({ stream, ...p }));
    pending = new Map();
    pendingCount = 0;
    await inFlight;
    // Only what the store did not already hold counts as new: a rerun writes nothing. Household
    // events only, as the handler counts them (claims on ID and card numbers come with them).
    const count = (results: { duplicate?: boolean }[]) => {
      results.forEach((r, i) => {
        const item = items[i];
        if (!r.duplicate && item?.stream.startsWith(HOUSEHOLD_STREAM_PREFIX)) result.events += item.events.length;
      });
    };
    inFlight = store.appendMany
      ? store.appendMany(items).then(count)
      : (async () => {
          const results = [];
          for (const item of items) results.push(await store.append(item.stream, item.events, item));
          count(results);
        })();
  };
  for (const c of commands) {
    let household = live.get(c.householdId);
    if (!household) {
      household = { state: initialState(), version: -1, events: new Map() };
      live.set(c.householdId, household);
    }
    const current = household;
    let appended: EventToAppend[];
    let keyed: { stream: string; event: EventToAppend; revision: number }[];
    try {
      // Parsed as the handler parses it, so defaults and trimming are the same.
      const data = HouseholdCommands[c.type].schema.parse(c.data);
      const decided = decide({ type: c.type, data } as HouseholdCommand, current.state, {
        commandId: c.commandId,
        householdId: c.householdId,
        effectiveAt: c.effectiveAt,
        ...(c.reason ? { reason: c.reason } : {}),
        policy,
        findEvent: (id) => current.events.get(id),
      });
      appended = eventsToAppend(envelopeOf(c), decided, c.actor);
      let after = current.state;
      for (const event of decided) after = evolve(after, { ...event, effectiveAt: c.effectiveAt });
      keyed = claimAppends(c.householdId, current.state, after, appended[0]?.metadata, claims);
      current.state = after;
      claims.holders.set(c.householdId, after);
    } catch (error) {
      refuse(c, error);
      continue;
    }
    // Corrections look their target up; the simulator corrects assessments only.
    for (const e of appended)
      if (e.type === 'ConditionsAssessed') current.events.set(e.id, { type: e.type, data: e.data });
    const add = (stream: string, events: EventToAppend[], version: number) => {
      const entry = pending.get(stream);
      if (entry) entry.events.push(...events);
      else pending.set(stream, { events, expectedRevision: version < 0 ? 'no_stream' : version });
    };
    add(householdStream(c.householdId), appended, current.version);
    for (const k of keyed) add(k.stream, [k.event], k.revision);
    current.version += appended.length;
    pendingCount += appended.length;
    if (pendingCount >= 5000) await flush();
  }
  await flush();
  await inFlight;
}

/**
 * The claims and releases a household's command appends, as the command handler decides them
 * (a key another household still holds is refused the same way), with the claim streams'
 * revisions as this load has left them.
 */
function claimAppends(
  householdId: string,
  before: HouseholdState,
  after: HouseholdState,
  metadata: EventToAppend['metadata'] | undefined,
  claims: Claims,
): { stream: string; event: EventToAppend; revision: number }[] {
  const { claim, release } = keyChanges(before, after);
  if (!metadata || claim.length + release.length === 0) return [];
  const out: { stream: string; event: EventToAppend; revision: number }[] = [];
  for (const k of claim) {
    const head = claims.heads.get(k.stream) ?? { revision: -1 };
    if (head.holder === householdId) continue;
    const holder = head.holder === undefined ? undefined : claims.holders.get(head.holder);
    if (head.holder !== undefined && holder && heldKeys(holder).has(k.stream)) {
      throw keyTaken(k, k.kind, head.holder, holder, undefined);
    }
    out.push({ stream: k.stream, event: claimEvent('KeyClaimed', k, householdId, metadata), revision: head.revision });
  }
  for (const k of release) {
    const head = claims.heads.get(k.stream);
    if (head?.holder !== householdId) continue;
    out.push({ stream: k.stream, event: claimEvent('KeyReleased', k, householdId, metadata), revision: head.revision });
  }
  for (const o of out) {
    claims.heads.set(o.stream, {
      revision: o.revision + 1,
      ...(o.event.type === 'KeyClaimed' ? { holder: householdId } : {}),
    });
  }
  return out;
}
