import { type EventStore, type EventToAppend, type ExpectedRevision, WrongExpectedVersion } from '@registry/eventstore';
import {
  type Actor,
  CommandId,
  EffectiveDate,
  type HouseholdCommand,
  householdStream,
  MemberJoinReason,
  MemberLeaveReason,
  type Policy,
  Relation,
  Uuid,
} from '@registry/schema';
import { z } from 'zod';
import type { KeyClaims } from './claiming.js';
import { claimEvent, claimHead, claimStream, heldKeys, keyTaken } from './claims.js';
import { decide } from './decide.js';
import { futureDate, issues } from './envelope.js';
import { ConcurrencyConflict, RuleViolation, ValidationError } from './errors.js';
import type { HistoryEvent } from './fold.js';
import type { CommandGuard, CommandResult } from './handling.js';
import type { HouseholdState } from './state.js';
import { eventsToAppend, recordedAs, stateAfter } from './stored.js';

/** Moving a person from one household to another at once (marriage, 分户 into an existing household). */
export const MoveMemberInput = z
  .object({
    commandId: CommandId,
    fromHouseholdId: Uuid,
    toHouseholdId: Uuid,
    memberId: Uuid,
    effectiveAt: EffectiveDate,
    leaveReason: MemberLeaveReason.exclude(['death']),
    joinReason: MemberJoinReason.exclude(['birth']),
    relation: Relation.exclude(['head']),
    newHeadMemberId: Uuid.optional(),
    reason: z.string().max(2000).optional(),
  })
  .strict()
  .refine((m) => m.fromHouseholdId !== m.toHouseholdId, {
    path: ['toHouseholdId'],
    message: 'must be another household',
  });
export type MoveMemberInput = z.infer<typeof MoveMemberInput>;

export interface MoveDeps {
  store: EventStore;
  load(householdId: string): Promise<{ events: HistoryEvent[]; state: HouseholdState }>;
  /** The policy in force on a date. */
  policyAt(date: string): Promise<Policy>;
  clock(): Date;
  /** The command handler's claims: a claim in flight on a store without multi-stream appends is honoured for its lease. */
  claims: Pick<KeyClaims, 'refusePending'>;
}

/**
 * The person leaves one household and joins the other in one step: the leaving, the joining
 * and the claim on the person's ID number (now the second household's) are appended together
 * (one transaction on PostgreSQL; on EventStoreDB the claim first, then the two households, a
 * failure between them completed by sending the same command again). Each half is the
 * household's own command (RemoveMember, AddMember) under a command id derived from this one,
 * so the rules are the same as for each alone and a repeat writes nothing.
 */
export async function moveMember(
  deps: MoveDeps,
  input: unknown,
  actor: Actor,
  guard: (householdId: string) => CommandGuard | undefined,
  canSee?: (villageCode: string) => boolean,
): Promise<{ from: CommandResult; to: CommandResult }> {
  const parsed = MoveMemberInput.safeParse(input);
  if (!parsed.success) throw new ValidationError(issues(parsed.error, { envelope: (f) => f }));
  const m = parsed.data;
  const future = futureDate(m.effectiveAt, deps.clock(), 'effectiveAt');
  if (future.length > 0) throw new ValidationError(future);
  const ids = { from: `${m.commandId}:leave`, to: `${m.commandId}:join` };
  const policy = await deps.policyAt(m.effectiveAt);
  for (let attempt = 1; ; attempt++) {
    const [from, to] = await Promise.all([deps.load(m.fromHouseholdId), deps.load(m.toHouseholdId)]);
    guard(m.fromHouseholdId)?.(from.state, { type: 'RemoveMember', data: {} } as unknown as HouseholdCommand, 'before');
    guard(m.toHouseholdId)?.(to.state, { type: 'AddMember', data: {} } as unknown as HouseholdCommand, 'before');
    const earlier = (h: { events: HistoryEvent[] }, id: string) => h.events.filter((e) => e.metadata.commandId === id);
    if (earlier(from, ids.from).length > 0 && earlier(to, ids.to).length > 0) {
      return {
        from: result(m.fromHouseholdId, earlier(from, ids.from), true),
        to: result(m.toHouseholdId, earlier(to, ids.to), true),
      };
    }
    // On a store without multi-stream appends the joining lands before the leaving: a move
    // interrupted between them is completed by sending it again, which then only leaves.
    const joinedBefore = earlier(to, ids.to);
    const member = from.state.members[m.memberId];
    if (!member)
      throw new RuleViolation('NO_SUCH_MEMBER', `member ${m.memberId} is not in household ${m.fromHouseholdId}`);
    const leave = {
      type: 'RemoveMember',
      data: {
        memberId: m.memberId,
        reason: m.leaveReason,
        ...(m.newHeadMemberId ? { newHeadMemberId: m.newHeadMemberId } : {}),
      },
    } as HouseholdCommand;
    const join = {
      type: 'AddMember',
      data: { member: { ...member, relation: m.relation }, reason: m.joinReason },
    } as HouseholdCommand;
    const envelope = (commandId: string, householdId: string) => ({
      commandId,
      householdId,
      effectiveAt: m.effectiveAt,
      ...(m.reason ? { reason: m.reason } : {}),
    });
    const ctx = (commandId: string, householdId: string, h: { events: HistoryEvent[] }) => ({
      ...envelope(commandId, householdId),
      policy,
      findEvent: (id: string) => h.events.find((e) => e.id === id),
    });
    const leaving = eventsToAppend(
      envelope(ids.from, m.fromHouseholdId),
      decide(leave, from.state, ctx(ids.from, m.fromHouseholdId, from)),
      actor,
    );
    const joining =
      joinedBefore.length > 0
        ? []
        : eventsToAppend(
            envelope(ids.to, m.toHouseholdId),
            decide(join, to.state, ctx(ids.to, m.toHouseholdId, to)),
            actor,
          );
    guard(m.fromHouseholdId)?.(stateAfter(from.events, from.state, leaving, m.fromHouseholdId), leave, 'after');
    const joined = stateAfter(to.events, to.state, joining, m.toHouseholdId);
    guard(m.toHouseholdId)?.(joined, join, 'after');

    // The claim on the ID number passes to the household joined (if that one holds it: a closed household holds none).
    const stream = claimStream('person', member.nationalId);
    const head = claimHead(await deps.store.readStream(stream));
    const key = heldKeys(joined).get(stream);
    const claims: { stream: string; events: EventToAppend[]; expectedRevision: 'no_stream' | number }[] = [];
    if (key && head.holder !== m.toHouseholdId && joining.length > 0) {
      if (head.holder !== undefined && head.holder !== m.fromHouseholdId) {
        const holder = await deps.load(head.holder);
        if (heldKeys(holder.state).has(stream)) throw keyTaken(key, 'memberId', head.holder, holder.state, canSee);
        // Not held yet may mean still to come: another household's command between its claim and its events.
        deps.claims.refusePending(key, 'memberId', head.since);
      }
      const metadata = joining[0]?.metadata;
      if (metadata)
        claims.push({
          stream,
          events: [claimEvent('KeyClaimed', key, m.toHouseholdId, metadata)],
          expectedRevision: head.revision < 0 ? 'no_stream' : head.revision,
        });
    }
    const at = (events: HistoryEvent[]): ExpectedRevision => (events.length === 0 ? 'no_stream' : events.length - 1);
    const items: { stream: string; events: EventToAppend[]; expectedRevision: ExpectedRevision }[] = [
      ...claims,
      ...(joining.length > 0
        ? [{ stream: householdStream(m.toHouseholdId), events: joining, expectedRevision: at(to.events) }]
        : []),
      { stream: householdStream(m.fromHouseholdId), events: leaving, expectedRevision: at(from.events) },
    ];
    try {
      const appended = deps.store.appendMany
        ? await deps.store.appendMany(items)
        : await items.reduce<Promise<Awaited<ReturnType<EventStore['append']>>[]>>(
            async (done, item) => [...(await done), await deps.store.append(item.stream, item.events, item)],
            Promise.resolve([]),
          );
      const placed = (i: number, events: EventToAppend[], streamName: string, first: number) =>
        events.map((e, n) => recordedAs(e, streamName, first + n, appended[i]?.events[n]));
      const toEvents =
        joining.length > 0
          ? placed(claims.length, joining, householdStream(m.toHouseholdId), to.events.length)
          : joinedBefore;
      const fromEvents = placed(items.length - 1, leaving, householdStream(m.fromHouseholdId), from.events.length);
      return {
        from: result(m.fromHouseholdId, fromEvents, false),
        to: result(m.toHouseholdId, toEvents, joining.length === 0),
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= 10) {
        if (error instanceof WrongExpectedVersion)
          throw new ConcurrencyConflict(m.toHouseholdId, to.events.length - 1, -1);
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3 * attempt));
    }
  }
}

function result(householdId: string, events: HistoryEvent[], duplicate: boolean): CommandResult {
  const last = events[events.length - 1] as HistoryEvent;
  return { householdId, version: last.revision, position: last.position, events, duplicate };
}
