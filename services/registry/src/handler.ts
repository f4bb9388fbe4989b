import { EventIdConflict, type EventStore, WrongExpectedVersion } from '@registry/eventstore';
import { type Actor, type HouseholdCommand, householdStream, type Policy } from '@registry/schema';
import { KeyClaims } from './claiming.js';
import { keyChanges } from './claims.js';
import { decide } from './decide.js';
import { checkDuties } from './duties.js';
import { atPaths, commandIdTaken, type IssuePaths, type ParsedCommand, parseCommand } from './envelope.js';
import { ConcurrencyConflict, ValidationError } from './errors.js';
import { foldEvents, foldHistory, type HistoryEvent } from './fold.js';
import type { CommandGuard, CommandResult, HandlerOptions, RunOptions } from './handling.js';
import { moveMember } from './move.js';
import { type PolicySource, policySource } from './policy-book.js';
import { currentDataOf } from './rules/corrections.js';
import type { HouseholdState } from './state.js';
import { eventsToAppend, recordedAs, stateAfter, toHistoryEvent } from './stored.js';

export type { CommandGuard, CommandResult, HandlerOptions, RunOptions } from './handling.js';

/**
 * Command handling for household streams: validate, load and fold the stream, decide,
 * append at the revision read. Nothing else writes household events.
 */
interface Loaded {
  events: HistoryEvent[];
  state: HouseholdState;
}

export class HouseholdCommandHandler {
  private readonly maxAttempts: number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, Loaded>();
  private readonly inFlight = new Map<string, Promise<CommandResult>>();
  private readonly clock: () => Date;
  private readonly claims: KeyClaims;
  private readonly policies: PolicySource;

  constructor(
    private readonly store: EventStore,
    options: HandlerOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.clock = options.clock ?? (() => new Date());
    this.policies = policySource(options.policy);
    this.claims = new KeyClaims(store, (id) => this.load(id), this.clock, options.claimLeaseMs ?? 60_000);
  }

  /**
   * Moves a person from one household to another in one step (see move.ts). `guard` gives the
   * caller's guard of each household; `canSee` as for `run`.
   */
  async moveMember(
    input: unknown,
    actor: Actor,
    options: { guard?: (householdId: string) => CommandGuard | undefined; canSee?: (village: string) => boolean } = {},
  ): Promise<{ from: CommandResult; to: CommandResult }> {
    const { store, clock, claims } = this;
    const policyAt = async (date: string) => (await this.policies.timeline()).at(date);
    const deps = { store, clock, claims, policyAt, load: (id: string) => this.load(id) };
    return moveMember(deps, input, actor, options.guard ?? (() => undefined), options.canSee);
  }

  async history(householdId: string): Promise<HistoryEvent[]> {
    return (await this.load(householdId)).events;
  }

  /**
   * The household's events and folded state. Recently used households are kept in memory
   * and only their new events are read and parsed: a stale entry is harmless, because the
   * append checks the revision and a conflict re-reads.
   */
  private async load(householdId: string): Promise<Loaded> {
    const stream = householdStream(householdId);
    const cached = this.cache.get(householdId);
    const recorded = await this.store.readStream(stream, cached ? { fromRevision: cached.events.length } : {});
    let loaded: Loaded;
    if (!cached) {
      const events = recorded.map(toHistoryEvent);
      loaded = { events, state: foldHistory(events) };
    } else if (recorded.length === 0) {
      loaded = cached;
    } else {
      const fresh = recorded.map(toHistoryEvent);
      const events = [...cached.events, ...fresh];
      // A correction changes the past: refold. Anything else moves the state on.
      loaded = {
        events,
        state: fresh.some((e) => e.type === 'EventCorrected') ? foldHistory(events) : foldEvents(fresh, cached.state),
      };
    }
    this.remember(householdId, loaded);
    return loaded;
  }

  private remember(householdId: string, loaded: Loaded): void {
    this.cache.delete(householdId);
    if (loaded.events.length > 0) this.cache.set(householdId, loaded);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }

  /**
   * Parses and runs a command given as plain input (scripts, tests, loaders). Issues name the
   * envelope's fields as such and the data's under `input`.
   * @param envelopeInput command id, household, expected version, effective date, reason
   * @param type the command's name, e.g. `ApproveExit`
   * @param dataInput the command's own fields, validated against its schema
   * @param actor who is acting, from the caller's verified identity
   */
  async handle(
    envelopeInput: unknown,
    type: string,
    dataInput: unknown,
    actor: Actor,
    options: RunOptions = {},
  ): Promise<CommandResult> {
    return this.run(this.parse(envelopeInput, type, dataInput), actor, options);
  }

  /**
   * Parses a command once, at the edge that received it: typed, every issue named at `paths`
   * (where that edge's caller put the fields), effective dates after today refused.
   */
  parse(envelopeInput: unknown, type: string, dataInput: unknown, paths?: IssuePaths): ParsedCommand {
    return parseCommand(envelopeInput, type, dataInput, this.clock(), paths);
  }

  /** Decides a parsed command and appends its events: all or none, once per command id. */
  async run(parsed: ParsedCommand, actor: Actor, options: RunOptions = {}): Promise<CommandResult> {
    return this.once(parsed.envelope.commandId, () => this.execute(parsed, actor, options));
  }

  /**
   * Runs commands with the same id one after another in this process: a repeat waits for the
   * first, then finds its events and answers `duplicate: true`. Across processes the store
   * tells a retried append from a first write (PostgreSQL).
   */
  private async once(commandId: string, run: () => Promise<CommandResult>): Promise<CommandResult> {
    const previous = this.inFlight.get(commandId);
    const current = (previous ? previous.then(noop, noop) : Promise.resolve()).then(run);
    this.inFlight.set(commandId, current);
    try {
      return await current;
    } finally {
      if (this.inFlight.get(commandId) === current) this.inFlight.delete(commandId);
    }
  }

  private async execute(
    { envelope, command, paths }: ParsedCommand,
    actor: Actor,
    { guard, canSee, level }: RunOptions,
  ): Promise<CommandResult> {
    const stream = householdStream(envelope.householdId);
    const policy = (await this.policies.timeline()).at(envelope.effectiveAt);
    for (let attempt = 1; ; attempt++) {
      const { events: history, state } = await this.load(envelope.householdId);
      const version = history.length - 1;
      // Before anything is answered, even a duplicate's result: the caller may not see this household.
      guard?.(state, command, 'before');
      const earlier = history.filter((e) => e.metadata.commandId === envelope.commandId);
      if (earlier.length > 0) return this.result(envelope.householdId, earlier, true);
      if (envelope.expectedVersion !== undefined && envelope.expectedVersion !== version) {
        throw new ConcurrencyConflict(envelope.householdId, envelope.expectedVersion, version);
      }

      checkDuties(command, state, history, actor, level, policy);
      const byId = new Map(history.map((e) => [e.id, e]));
      const decided = this.decide(command, state, envelope, byId, paths, policy);
      const toAppend = eventsToAppend(envelope, decided, actor);
      const after = stateAfter(history, state, toAppend, envelope.householdId);
      guard?.(after, command, 'after');
      const changes = keyChanges(state, after);
      const metadata = toAppend[0]?.metadata;
      try {
        const claims =
          metadata && changes.claim.length + changes.release.length > 0
            ? await this.claims.plan(envelope.householdId, changes, metadata, command, paths, canSee)
            : { claim: [], release: [] };
        const appended = await this.claims.append(
          { stream, events: toAppend, expectedRevision: version < 0 ? 'no_stream' : version },
          claims,
        );
        const first = appended.nextExpectedRevision - toAppend.length + 1;
        // A first write is known whole: its events as sent, at the positions the store gave.
        // A retry that another process wrote first is read back, to answer with what is stored.
        const fresh = appended.duplicate
          ? (await this.store.readStream(stream, { fromRevision: first, maxCount: toAppend.length })).map(
              toHistoryEvent,
            )
          : toAppend.map((e, i) => recordedAs(e, stream, first + i, appended.events[i]));
        if (fresh.length === toAppend.length && fresh[0]?.revision === history.length) {
          this.remember(envelope.householdId, {
            events: [...history, ...fresh],
            state: fresh.some((e) => e.type === 'EventCorrected')
              ? foldHistory([...history, ...fresh])
              : foldEvents(fresh, state),
          });
        }
        return this.result(envelope.householdId, fresh, appended.duplicate === true);
      } catch (error) {
        if (error instanceof EventIdConflict) throw commandIdTaken(paths);
        if (!(error instanceof WrongExpectedVersion)) throw error;
        // A claim stream moved (another household took or let go of a key): read again and decide again.
        if (envelope.expectedVersion !== undefined && error.stream === stream) {
          const actual = error.actual === 'no_stream' ? -1 : error.actual;
          throw new ConcurrencyConflict(envelope.householdId, envelope.expectedVersion, actual);
        }
        if (attempt >= this.maxAttempts) {
          const actual = error.actual === 'no_stream' ? -1 : error.actual;
          throw new ConcurrencyConflict(envelope.householdId, version, actual);
        }
        // Jitter, so writers that collided do not collide again in lockstep.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3 * attempt));
      }
    }
  }

  /** The command's events; a rule's issues named where the caller put the fields. */
  private decide(
    command: HouseholdCommand,
    state: HouseholdState,
    envelope: ParsedCommand['envelope'],
    byId: ReadonlyMap<string, HistoryEvent>,
    paths: IssuePaths,
    policy: Policy,
  ) {
    try {
      return decide(command, state, {
        commandId: envelope.commandId,
        householdId: envelope.householdId,
        effectiveAt: envelope.effectiveAt,
        ...(envelope.reason ? { reason: envelope.reason } : {}),
        policy,
        findEvent: (id) => byId.get(id),
        currentData: (id) => currentDataOf(byId.values(), id),
      });
    } catch (error) {
      throw error instanceof ValidationError ? atPaths(error, paths) : error;
    }
  }

  private result(householdId: string, events: HistoryEvent[], duplicate: boolean): CommandResult {
    if (events.length === 0) throw new Error(`household ${householdId}: the events just appended cannot be read back`);
    const last = events[events.length - 1] as HistoryEvent;
    return { householdId, version: last.revision, position: last.position, events, duplicate };
  }
}

const noop = () => {};
