import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { type Actor, householdStream, type Member, NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillClaims } from '../src/backfill.js';
import { claimStream, heldKeys } from '../src/claims.js';
import { RuleViolation } from '../src/errors.js';
import { foldHistory } from '../src/fold.js';
import { HouseholdCommandHandler } from '../src/handler.js';
import { eventsToAppend, toHistoryEvent } from '../src/stored.js';
import { actorFor, family, household, member, VILLAGE } from './fixtures.js';

const clerk: Actor = { id: 'clerk-li', role: 'clerk', unit: '320924101000' };
const OTHER_VILLAGE = '320924102201';

describe('one person, one open household; one card number, one household (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('claims');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  let n = 0;
  const send = (
    householdId: string,
    type: string,
    data: unknown,
    effectiveAt = '2016-03-01',
    options: Parameters<HouseholdCommandHandler['handle']>[4] = {},
    on = handler,
    reason?: string,
  ) =>
    on.handle(
      { commandId: `claims-${++n}-${randomUUID()}`, householdId, effectiveAt, ...(reason ? { reason } : {}) },
      type,
      data,
      actorFor(type, clerk),
      options,
    );
  const apply = (householdId: string, members: Member[], village = VILLAGE, on = handler) =>
    send(householdId, 'ApplyForRegistration', { household: household(village), members }, '2016-03-01', {}, on);
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RuleViolation);
    return error as RuleViolation;
  };
  const streamLength = async (householdId: string) => (await store.readStream(householdStream(householdId))).length;

  async function register(householdId: string, members: Member[], cardNumber: string) {
    await apply(householdId, members);
    const steps: [string, unknown, string][] = [
      ['RecordVillageReview', { approved: true }, '2016-03-10'],
      ['OpenPublicNotice', {}, '2016-03-11'],
      ['ClosePublicNotice', {}, '2016-03-18'],
      ['RecordTownshipReview', { approved: true }, '2016-03-25'],
      ['OpenPublicNotice', {}, '2016-03-26'],
      ['ClosePublicNotice', {}, '2016-04-02'],
      ['RecordDataComparison', { findings: [] }, '2016-04-10'],
    ];
    for (const [type, data, on] of steps) await send(householdId, type, data, on);
    return send(
      householdId,
      'ApproveRegistration',
      { cardNumber, attribute: 'ordinary', mainCause: 'illness' },
      '2016-04-20',
    );
  }

  it('refuses an application with a number already in another open household, naming it, and writes nothing', async () => {
    const first = randomUUID();
    const members = family();
    await register(first, members, `K-${first.slice(0, 8)}`);
    const second = randomUUID();
    const error = await refusal(
      apply(second, [{ ...member({ relation: 'head' }) }, { ...members[1], relation: 'spouse' }]),
    );
    expect(error.rule).toBe('NATIONAL_ID_IN_OTHER_HOUSEHOLD');
    expect(error.facts).toEqual({
      field: 'input.members.1.nationalId',
      householdId: first,
      villageCode: VILLAGE,
      cardNumber: `K-${first.slice(0, 8)}`,
      status: 'registered',
    });
    expect(await streamLength(second)).toBe(0);
    // The claim stream still names the first household, once.
    const claim = await store.readStream(claimStream('person', members[1].nationalId));
    expect(claim.map((e) => [e.type, (e.data as { householdId: string }).householdId])).toEqual([
      ['KeyClaimed', first],
    ]);
  });

  it('names only "another area" to a clerk who may not see the household that holds the number', async () => {
    const first = randomUUID();
    const members = family();
    await apply(first, members, OTHER_VILLAGE);
    const canSee = (village: string) => village.startsWith('320924101');
    const error = await refusal(
      send(randomUUID(), 'ApplyForRegistration', { household: household(), members: [members[0]] }, '2016-03-02', {
        canSee,
      }),
    );
    expect(error.facts).toEqual({ field: 'input.members.0.nationalId', otherArea: true });
    expect(error.message).not.toContain(first);
  });

  it('refuses a member added with a number in another household, and takes the person once they left it', async () => {
    const from = randomUUID();
    const to = randomUUID();
    const [head, spouse, child] = family();
    await apply(from, [head, spouse, child]);
    await apply(to, family().slice(0, 1));
    const moving = { ...child, relation: 'child' as const };
    const error = await refusal(send(to, 'AddMember', { member: moving, reason: 'moving_in' }, '2016-05-01'));
    expect(error.facts).toMatchObject({ field: 'input.member.nationalId', householdId: from });
    await send(from, 'RemoveMember', { memberId: child.memberId, reason: 'moving_out' }, '2016-05-01');
    await send(to, 'AddMember', { member: moving, reason: 'moving_in' }, '2016-05-01');
    const claim = await store.readStream(claimStream('person', child.nationalId));
    expect(claim.map((e) => [e.type, (e.data as { householdId: string }).householdId])).toEqual([
      ['KeyClaimed', from],
      ['KeyReleased', from],
      ['KeyClaimed', to],
    ]);
  });

  it('lets the members of a rejected application apply in another household', async () => {
    const first = randomUUID();
    const members = family();
    await apply(first, members);
    await send(first, 'RecordVillageReview', { approved: false }, '2016-03-10', {}, handler, '收入高于标准');
    const again = await apply(randomUUID(), members);
    expect(again.duplicate).toBe(false);
  });

  it('refuses a card number issued to another household, whatever its letter case', async () => {
    const first = randomUUID();
    await register(first, family(), `dup-${first.slice(0, 8)}`);
    const second = randomUUID();
    const error = await refusal(register(second, family(), `DUP-${first.slice(0, 8)}`));
    expect(error.rule).toBe('CARD_NUMBER_TAKEN');
    expect(error.facts).toMatchObject({ field: 'input.cardNumber', householdId: first });
  });

  it('lets exactly one of two clerks take the same number at the same instant (two handlers, as two processes)', async () => {
    const other = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    for (let round = 0; round < 5; round++) {
      const shared = member({ relation: 'head' });
      const households = Array.from({ length: 6 }, () => randomUUID());
      const results = await Promise.allSettled(
        households.map((id, i) => apply(id, [shared], VILLAGE, i % 2 === 0 ? handler : other)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of lost) expect((r.reason as RuleViolation).rule).toBe('NATIONAL_ID_IN_OTHER_HOUSEHOLD');
      const written = await Promise.all(households.map(streamLength));
      expect(written.filter((length) => length > 0)).toHaveLength(1);
    }
  });

  it('on a store without multi-stream appends (as EventStoreDB), honours a claim for its lease, then lets it go', async () => {
    const esdbLike: PostgresEventStore = Object.create(store);
    Object.defineProperty(esdbLike, 'appendMany', { value: undefined });
    let now = new Date('2026-11-29T08:00:00Z');
    const clock = () => now;
    const sequential = new HouseholdCommandHandler(esdbLike, { policy: NATIONAL_POLICY, clock, claimLeaseMs: 60_000 });
    const shared = member({ relation: 'head' });
    // A claim whose household's append never came (the writer died between the two appends).
    const orphan = randomUUID();
    await store.append(
      claimStream('person', shared.nationalId),
      [
        {
          id: randomUUID(),
          type: 'KeyClaimed',
          data: { kind: 'person', householdId: orphan },
          metadata: { actor: clerk, effectiveAt: '2016-03-01', correlationId: randomUUID() },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const recordedAt = Date.parse(
      (await store.readStream(claimStream('person', shared.nationalId)))[0]?.recordedAt ?? '',
    );
    now = new Date(recordedAt + 1_000);
    const error = await refusal(apply(randomUUID(), [shared], VILLAGE, sequential));
    expect(error.rule).toBe('KEY_CLAIM_PENDING');
    now = new Date(recordedAt + 61_000);
    const taken = randomUUID();
    await apply(taken, [shared], VILLAGE, sequential);
    const claim = await store.readStream(claimStream('person', shared.nationalId));
    expect(claim.map((e) => (e.data as { householdId: string }).householdId)).toEqual([orphan, taken]);
  });

  it('never lets two open households share a number, whatever clerks do at once (property)', async () => {
    const pool = Array.from({ length: 4 }, () => member({ relation: 'head' }));
    const households = Array.from({ length: 3 }, () => randomUUID());
    let accepted = 0;
    let refused = 0;
    const op = fc.record({
      household: fc.nat({ max: 2 }),
      person: fc.nat({ max: 3 }),
      kind: fc.constantFrom('join', 'leave', 'reject'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        async (rounds) => {
          for (const round of rounds) {
            const settled = await Promise.allSettled(round.map((o) => perform(households[o.household] ?? '', pool, o)));
            for (const r of settled) {
              if (r.status === 'fulfilled') accepted += r.value ? 1 : 0;
              else if ((r.reason as RuleViolation).rule === 'NATIONAL_ID_IN_OTHER_HOUSEHOLD') refused++;
            }
          }
          const held = new Map<string, string>();
          for (const id of households) {
            const state = foldHistory((await store.readStream(householdStream(id))).map(toHistoryEvent));
            for (const key of heldKeys(state).keys()) {
              expect(held.get(key), `${key} in ${held.get(key)} and ${id}`).toBeUndefined();
              held.set(key, id);
            }
          }
        },
      ),
      { numRuns: 15, seed: 42 },
    );
    // Not vacuous: people joined and left, and some were refused for being in another household.
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(0);
  });

  it('claims, for a log written before claims existed, what its households hold; reports numbers two already share', async () => {
    // Households written straight to the log, as before claims existed.
    const legacy = async (members: Member[]) => {
      const id = randomUUID();
      const envelope = { commandId: `legacy-${id}`, householdId: id, effectiveAt: '2015-03-01' };
      const data = { householdId: id, household: household(), members };
      await store.append(
        householdStream(id),
        eventsToAppend(envelope, [{ type: 'ApplicationSubmitted', data }], clerk),
        {
          expectedRevision: 'no_stream',
        },
      );
      return id;
    };
    const alone = family();
    const one = await legacy(alone);
    const shared = member({ relation: 'head' });
    const a = await legacy([shared]);
    const b = await legacy([{ ...shared, memberId: randomUUID() }]);

    const first = await backfillClaims(store);
    expect(first.claimed).toBeGreaterThanOrEqual(3);
    expect(first.conflicts).toContainEqual({
      kind: 'person',
      stream: claimStream('person', shared.nationalId),
      holders: expect.arrayContaining([a, b]),
    });
    const claim = await store.readStream(claimStream('person', alone[0].nationalId));
    expect(claim.map((e) => (e.data as { householdId: string }).householdId)).toEqual([one]);
    // Now the rule sees them.
    const error = await refusal(apply(randomUUID(), [alone[0]]));
    expect(error.facts).toMatchObject({ householdId: one });
    const again = await backfillClaims(store);
    expect(again.claimed).toBe(0);
  });

  it('moves a person between two households in one step (marriage): the leaving, the joining and the claim together, once', async () => {
    const from = randomUUID();
    const to = randomUUID();
    const [head, spouse, child] = family();
    await apply(from, [head, spouse, child]);
    await apply(to, family().slice(0, 1));
    const input = {
      commandId: `move-${from}`,
      fromHouseholdId: from,
      toHouseholdId: to,
      memberId: child.memberId,
      effectiveAt: '2016-06-01',
      leaveReason: 'marriage',
      joinReason: 'marriage',
      relation: 'spouse',
    };
    const moved = await handler.moveMember(input, clerk);
    expect(moved.from.events.map((e) => e.type)).toEqual(['MemberRemoved']);
    expect(moved.to.events.map((e) => e.type)).toEqual(['MemberAdded']);
    const claim = await store.readStream(claimStream('person', child.nationalId));
    expect(claim.map((e) => [e.type, (e.data as { householdId: string }).householdId])).toEqual([
      ['KeyClaimed', from],
      ['KeyClaimed', to],
    ]);
    const again = await handler.moveMember(input, clerk);
    expect(again.from.duplicate && again.to.duplicate).toBe(true);
    expect(await store.readStream(claimStream('person', child.nationalId))).toHaveLength(2);
    // Moving someone the household does not have, or to the same household, is refused, writing nothing.
    const before = (await streamLength(from)) + (await streamLength(to));
    await expect(handler.moveMember({ ...input, commandId: `move-again-${from}` }, clerk)).rejects.toMatchObject({
      rule: 'NO_SUCH_MEMBER',
    });
    await expect(
      handler.moveMember({ ...input, commandId: `move-self-${from}`, toHouseholdId: from }, clerk),
    ).rejects.toMatchObject({
      issues: [{ path: 'toHouseholdId', message: 'must be another household' }],
    });
    expect((await streamLength(from)) + (await streamLength(to))).toBe(before);
  });

  it('on a store without multi-stream appends, a move cut off between its households is completed by sending it again', async () => {
    const from = randomUUID();
    const to = randomUUID();
    const [head, spouse] = family();
    await apply(from, [head, spouse]);
    await apply(to, family().slice(0, 1));
    const input = {
      commandId: `move-cut-${from}`,
      fromHouseholdId: from,
      toHouseholdId: to,
      memberId: spouse.memberId,
      effectiveAt: '2016-06-01',
      leaveReason: 'moving_out',
      joinReason: 'moving_in',
      relation: 'other',
    };
    const flaky: PostgresEventStore = Object.create(store);
    Object.defineProperty(flaky, 'appendMany', { value: undefined });
    let cut = true;
    flaky.append = async (stream, events, options) => {
      if (cut && stream === householdStream(from)) {
        cut = false;
        throw new Error('connection lost');
      }
      return store.append(stream, events, options);
    };
    const sequential = new HouseholdCommandHandler(flaky, { policy: NATIONAL_POLICY });
    await expect(sequential.moveMember(input, clerk)).rejects.toThrow('connection lost');
    expect(await streamLength(from)).toBe(1);
    const done = await sequential.moveMember(input, clerk);
    expect(done.from.events.map((e) => e.type)).toEqual(['MemberRemoved']);
    expect(done.to.duplicate).toBe(true);
  });

  it('on a store without multi-stream appends, a move does not take over a number another household is claiming at that moment', async () => {
    const from = randomUUID();
    const to = randomUUID();
    const [head, spouse] = family();
    await apply(from, [head, spouse]);
    await apply(to, family().slice(0, 1));
    // Another household's command in flight: its claim on the spouse's number is written, its events not yet.
    await store.append(
      claimStream('person', spouse.nationalId),
      [
        {
          id: randomUUID(),
          type: 'KeyClaimed',
          data: { kind: 'person', householdId: randomUUID() },
          metadata: { actor: clerk, effectiveAt: '2016-03-01', correlationId: randomUUID() },
        },
      ],
      { expectedRevision: 'any' },
    );
    const claimedAt = Date.parse(
      (await store.readStream(claimStream('person', spouse.nationalId))).at(-1)?.recordedAt ?? '',
    );
    const esdbLike: PostgresEventStore = Object.create(store);
    Object.defineProperty(esdbLike, 'appendMany', { value: undefined });
    let now = new Date(claimedAt + 1_000);
    const sequential = new HouseholdCommandHandler(esdbLike, { policy: NATIONAL_POLICY, clock: () => now });
    const input = {
      commandId: `move-pending-${from}`,
      fromHouseholdId: from,
      toHouseholdId: to,
      memberId: spouse.memberId,
      effectiveAt: '2016-06-01',
      leaveReason: 'moving_out',
      joinReason: 'moving_in',
      relation: 'other',
    };
    const error = await refusal(sequential.moveMember(input, clerk));
    expect(error.rule).toBe('KEY_CLAIM_PENDING');
    expect([await streamLength(from), await streamLength(to)]).toEqual([1, 1]);
    // The lease over, the claim is stale (its household never came): the move takes the number.
    now = new Date(claimedAt + 61_000);
    const done = await sequential.moveMember(input, clerk);
    expect(done.to.events.map((e) => e.type)).toEqual(['MemberAdded']);
  });

  /** One clerk's step; true when it wrote something. */
  async function perform(id: string, pool: Member[], o: { person: number; kind: string }): Promise<boolean> {
    const state = foldHistory((await store.readStream(householdStream(id))).map(toHistoryEvent));
    const person = pool[o.person] as Member;
    const inside = Object.values(state.members).find((m) => m.nationalId === person.nationalId);
    if (state.status === 'none' || state.status === 'rejected') {
      if (o.kind !== 'join') return false;
      await apply(id, [person]);
    } else if (o.kind === 'join' && !inside) {
      const joining = { ...person, memberId: randomUUID(), relation: 'other' as const };
      await send(id, 'AddMember', { member: joining, reason: 'moving_in' });
    } else if (o.kind === 'leave' && inside && inside.relation !== 'head') {
      await send(id, 'RemoveMember', { memberId: inside.memberId, reason: 'moving_out' });
    } else if (o.kind === 'reject' && state.status === 'applicant') {
      await send(id, 'RecordVillageReview', { approved: false }, '2016-03-10', {}, handler, '不符合');
    } else return false;
    return true;
  }
});
