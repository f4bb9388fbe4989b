import type { EventStore, EventToAppend, RecordedEvent } from '@registry/eventstore';
import {
  claimEvent,
  claimHead,
  claimStream,
  decide,
  eventsToAppend,
  evolve,
  foldHistory,
  type HouseholdState,
  heldKeys,
  initialState,
  policyOn,
  toHistoryEvent,
} from '@registry/registry';
import { type Actor, type HouseholdCommand, householdStream } from '@registry/schema';
import { type CheckOptions, checkRoll, type PlannedHousehold, type Problem } from './check.js';
import type { RollFile } from './read.js';

export interface ImportOptions extends CheckOptions {
  actor: Actor;
  onProgress?(phase: 'check' | 'registry' | 'write', done: number, total: number): void;
}

export interface ImportOutcome {
  households: number;
  /** Households written now. */
  imported: number;
  /** Households this file (or one with the same rows) brought in before: nothing new. */
  unchanged: number;
  events: number;
  problems: Problem[];
}

const CHUNK = 1000;

/**
 * Imports a roll, all or nothing: the file is checked on its own, then against the registry
 * (a card number or an ID number another household holds; a household already recorded
 * otherwise), and only a file without a problem is written, each household with the claims on
 * its ID and card numbers in the same transaction, a thousand households per transaction.
 * Should the writing stop part way (the process dies, a clerk takes one of the file's numbers
 * between the check and the write), importing the file again writes the rest: households
 * already written are unchanged. Importing the same file again writes nothing.
 *
 * On a store that appends to many streams in one transaction (PostgreSQL) each household and
 * its claims land together. On one that cannot (EventStoreDB) they are appended one after the
 * other, the claims first and the household last, as a command is: a write cut off part way
 * leaves at worst claims whose household is not there yet, which the household's own
 * (deterministic) import takes again when the file is imported again; and a number another
 * household's command is claiming at that moment is refused for its lease, as a clerk's
 * command would be.
 */
export async function importRoll(store: EventStore, file: RollFile, options: ImportOptions): Promise<ImportOutcome> {
  const { households, problems } = checkRoll(file, options);
  options.onProgress?.('check', households.length, households.length);
  const outcome: ImportOutcome = { households: households.length, imported: 0, unchanged: 0, events: 0, problems };
  if (problems.length > 0) return outcome;
  const perHousehold: { stream: string; events: EventToAppend[]; expectedRevision: 'no_stream' | number }[][] = [];
  for (let from = 0; from < households.length; from += CHUNK) {
    const chunk = households.slice(from, from + CHUNK);
    const streams = await store.readStreams([
      ...chunk.map((h) => householdStream(h.householdId)),
      ...chunk.flatMap((h) => h.keys.map((k) => claimStream(k.kind, k.value))),
    ]);
    for (const h of chunk) {
      const existing = streams.get(householdStream(h.householdId)) ?? [];
      if (existing.length > 0) {
        if (existing[0]?.metadata.commandId === h.import.commandId) outcome.unchanged++;
        else
          problems.push(
            taken(h, 'card', '该卡号的户已在系统中', 'a household with this card number is already in the registry'),
          );
        continue;
      }
      const planned = await planWrite(store, h, streams, options, problems);
      if (planned) perHousehold.push(planned);
    }
    options.onProgress?.('registry', Math.min(from + CHUNK, households.length), households.length);
  }
  if (problems.length > 0) return { ...outcome, problems: problems.sort((a, b) => a.line - b.line) };
  // Written a thousand households per transaction: a transaction locks each stream it writes,
  // and a county's roll in one would exceed the server's lock table (max_locks_per_transaction).
  for (let from = 0; from < perHousehold.length; from += CHUNK) {
    const chunk = perHousehold.slice(from, from + CHUNK);
    if (store.appendMany) {
      const items = chunk.flat();
      const results = await store.appendMany(items);
      results.forEach((r, i) => {
        if (!r.duplicate) outcome.events += items[i]?.events.length ?? 0;
      });
    } else {
      for (const [household, ...claims] of chunk) {
        for (const item of [...claims, ...(household ? [household] : [])]) {
          const result = await store.append(item.stream, item.events, item);
          if (!result.duplicate) outcome.events += item.events.length;
        }
      }
    }
    options.onProgress?.('write', Math.min(from + CHUNK, perHousehold.length), perHousehold.length);
  }
  outcome.imported = perHousehold.length;
  return outcome;
}

/** The household's events and its claims, or its problems with keys the registry already gave to others. */
async function planWrite(
  store: EventStore,
  h: PlannedHousehold,
  streams: Map<string, RecordedEvent[]>,
  options: ImportOptions,
  problems: Problem[],
) {
  const events: EventToAppend[] = [];
  let state: HouseholdState = initialState();
  for (const step of [h.import, ...(h.exit ? [h.exit] : [])]) {
    const type = step === h.import ? 'ImportHousehold' : 'ImportExit';
    const command = { type, data: step.data } as HouseholdCommand;
    const ctx = {
      commandId: step.commandId,
      householdId: h.householdId,
      effectiveAt: step.effectiveAt,
      policy: policyOn(options.policy, step.effectiveAt),
      findEvent: () => undefined,
    };
    const decided = decide(command, state, ctx);
    for (const e of decided) state = evolve(state, { ...e, effectiveAt: step.effectiveAt });
    events.push(
      ...eventsToAppend(
        { commandId: step.commandId, householdId: h.householdId, effectiveAt: step.effectiveAt },
        decided,
        options.actor,
      ),
    );
  }
  const claims = [];
  let refused = false;
  for (const key of heldKeys(state).values()) {
    const head = claimHead(streams.get(key.stream) ?? []);
    if (head.holder !== undefined && head.holder !== h.householdId) {
      const holder = foldHistory((await store.readStream(householdStream(head.holder))).map(toHistoryEvent));
      if (!store.appendMany && !heldKeys(holder).has(key.stream) && pending(head.since, options.now)) {
        problems.push(
          taken(
            h,
            key.kind === 'person' ? key.value : 'card',
            '另一户正在办理登记，占用了这个号码，请一分钟后再导入',
            'another household is being recorded with this number at this moment; import again in a minute',
          ),
        );
        refused = true;
        continue;
      }
      if (heldKeys(holder).has(key.stream)) {
        const village = holder.household?.villageCode;
        const where =
          village && options.canSee(village)
            ? `（卡号 ${holder.registration?.cardNumber ?? '未建档'}，所在村 ${village}）`
            : '（在您的辖区以外）';
        const whereEn =
          village && options.canSee(village)
            ? ` (card ${holder.registration?.cardNumber ?? 'none'}, village ${village})`
            : ' (outside your area)';
        problems.push(
          key.kind === 'person'
            ? taken(
                h,
                key.value,
                `该身份证号已在系统中另一未销户的户中${where}`,
                `this ID number is in another open household of the registry${whereEn}`,
              )
            : taken(
                h,
                'card',
                `该卡号已发给系统中另一户${where}`,
                `this card number was issued to another household of the registry${whereEn}`,
              ),
        );
        refused = true;
        continue;
      }
    }
    // Claimed already: this file's import of the household was cut off after its claims.
    if (head.holder === h.householdId) continue;
    const metadata = events[0]?.metadata;
    if (!metadata) continue;
    claims.push({
      stream: key.stream,
      events: [claimEvent('KeyClaimed', key, h.householdId, metadata)],
      expectedRevision: head.revision < 0 ? ('no_stream' as const) : head.revision,
    });
  }
  if (refused) return undefined;
  return [{ stream: householdStream(h.householdId), events, expectedRevision: 'no_stream' as const }, ...claims];
}

/**
 * A claim appended within this long, whose household does not hold the number, may be another
 * household's command between its claim and its events (on a store without multi-stream
 * appends): the command handler's default lease.
 */
const CLAIM_LEASE_MS = 60_000;
const pending = (since: string | undefined, now: Date) =>
  since !== undefined && Date.parse(since) + CLAIM_LEASE_MS > now.getTime();

/** A problem on the row and column a key of the household came from ('card', or an ID number). */
function taken(h: PlannedHousehold, key: string, zh: string, en: string): Problem {
  const from =
    key === 'card' ? h.keys.find((k) => k.kind === 'card') : h.keys.find((k) => k.kind === 'person' && k.value === key);
  return { line: from?.line ?? h.lines[0] ?? 2, column: from?.column ?? '', zh, en };
}
