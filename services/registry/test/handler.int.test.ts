import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { type Actor, householdStream, NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyConflict, RuleViolation, ValidationError } from '../src/errors.js';
import { HouseholdCommandHandler } from '../src/handler.js';
import { AreaReferenceHandler } from '../src/reference.js';
import { actorFor, countyApprover, family, head, helper, household } from './fixtures.js';

const clerk: Actor = { id: 'clerk-zhang', role: 'clerk', unit: '320924101000' };

describe('household command handler on the PostgreSQL event store', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('registry');
    store = await PostgresEventStore.open({ pool: db.pool });
    handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  let n = 0;
  const send = (householdId: string, type: string, data: unknown, extra: Record<string, unknown> = {}) =>
    handler.handle(
      { commandId: `cmd-${householdId}-${++n}`, householdId, effectiveAt: '2019-06-01', ...extra },
      type,
      data,
      actorFor(type, clerk),
    );

  async function registeredHousehold(): Promise<string> {
    const id = randomUUID();
    await send(
      id,
      'ApplyForRegistration',
      { household: household(), members: family() },
      { effectiveAt: '2015-03-01' },
    );
    await send(id, 'RecordVillageReview', { approved: true }, { effectiveAt: '2015-03-10' });
    await send(id, 'OpenPublicNotice', {}, { effectiveAt: '2015-03-11' });
    await send(id, 'ClosePublicNotice', {}, { effectiveAt: '2015-03-18' });
    await send(id, 'RecordTownshipReview', { approved: true }, { effectiveAt: '2015-03-25' });
    await send(id, 'OpenPublicNotice', {}, { effectiveAt: '2015-03-26' });
    await send(id, 'ClosePublicNotice', {}, { effectiveAt: '2015-04-02' });
    await send(id, 'RecordDataComparison', { findings: [] }, { effectiveAt: '2015-04-10' });
    await send(
      id,
      'ApproveRegistration',
      { cardNumber: `C-${id.slice(0, 8)}`, attribute: 'ordinary', mainCause: 'illness' },
      { effectiveAt: '2015-04-20' },
    );
    await send(id, 'AssignHelper', { helper }, { effectiveAt: '2015-05-01' });
    return id;
  }

  it('records the whole identification with full metadata, the actor taken from the caller', async () => {
    const id = await registeredHousehold();
    const history = await handler.history(id);
    expect(history.map((e) => e.type)).toEqual([
      'ApplicationSubmitted',
      'VillageReviewRecorded',
      'PublicNoticeOpened',
      'PublicNoticeClosed',
      'TownshipReviewRecorded',
      'PublicNoticeOpened',
      'PublicNoticeClosed',
      'DataComparisonRecorded',
      'RegistrationApproved',
      'HelperAssigned',
    ]);
    const approval = history[8];
    expect(approval?.metadata).toMatchObject({ actor: countyApprover, effectiveAt: '2015-04-20', schemaVersion: 1 });
    expect(approval?.metadata.commandId).toMatch(/^cmd-/);
    expect(approval?.metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(approval?.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('refuses an exit with unmet criteria and writes nothing, then approves it once they are met', async () => {
    const id = await registeredHousehold();
    const assess = (income: number, housing: boolean) =>
      send(
        id,
        'AssessConditions',
        {
          year: 2019,
          incomePerCapitaFen: income,
          food: true,
          clothing: true,
          compulsoryEducation: true,
          basicMedical: true,
          safeHousing: housing,
          safeDrinkingWater: true,
        },
        { effectiveAt: '2019-11-15' },
      );
    await assess(450_000, false);
    const before = (await handler.history(id)).length;
    const refusal = await send(id, 'ProposeExit', { year: 2019 }, { effectiveAt: '2019-11-20' }).catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(RuleViolation);
    expect((refusal as RuleViolation).unmetCriteria).toEqual(['income_above_line', 'safe_housing']);
    expect(await handler.history(id)).toHaveLength(before);

    await assess(720_000, true);
    await send(id, 'ProposeExit', { year: 2019 }, { effectiveAt: '2019-11-20' });
    await send(id, 'RecordVillageReview', { approved: true }, { effectiveAt: '2019-11-25' });
    await send(id, 'OpenPublicNotice', {}, { effectiveAt: '2019-11-26' });
    await send(id, 'ClosePublicNotice', {}, { effectiveAt: '2019-12-03' });
    await send(id, 'ConfirmExit', { signedByMemberId: head.memberId }, { effectiveAt: '2019-12-05' });
    await send(id, 'VerifyExit', {}, { effectiveAt: '2019-12-10' });
    const approved = await send(id, 'ApproveExit', {}, { effectiveAt: '2019-12-31' });
    expect(approved.events.map((e) => e.type)).toEqual(['ExitApproved']);
    expect(approved.events[0]?.data).toMatchObject({
      exitedOn: '2019-12-31',
      evidence: { incomePerCapitaFen: 720_000, incomeLineFen: 600_000 },
    });
  });

  it('handles the same command id once: a retry returns the first result and appends nothing', async () => {
    const id = await registeredHousehold();
    const envelope = { commandId: `visit-${id}`, householdId: id, effectiveAt: '2019-03-02' };
    const first = await handler.handle(envelope, 'RecordVisit', { notes: '入户走访' }, clerk);
    const again = await handler.handle(envelope, 'RecordVisit', { notes: '入户走访' }, clerk);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    const visits = (await handler.history(id)).filter((e) => e.type === 'VisitRecorded');
    expect(visits).toHaveLength(1);
  });

  it('given the same command sent concurrently, appends it once', async () => {
    const id = await registeredHousehold();
    const envelope = { commandId: `visit-burst-${id}`, householdId: id, effectiveAt: '2019-03-02' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => handler.handle(envelope, 'RecordVisit', { notes: '同一次走访' }, clerk)),
    );
    expect(new Set(results.map((r) => r.version)).size).toBe(1);
    expect((await handler.history(id)).filter((e) => e.type === 'VisitRecorded')).toHaveLength(1);
  });

  it('given concurrent commands on one household without an expected version, retries so every one lands once', async () => {
    const id = await registeredHousehold();
    const base = (await handler.history(id)).length;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        handler.handle(
          { commandId: `visit-${i}-${id}`, householdId: id, effectiveAt: '2019-03-02' },
          'RecordVisit',
          { notes: `走访${i}` },
          clerk,
        ),
      ),
    );
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, i) => base + i));
    expect((await handler.history(id)).filter((e) => e.type === 'VisitRecorded')).toHaveLength(8);
  });

  it('returns the conflict when the client gave an expected version that is stale, writing nothing', async () => {
    const id = await registeredHousehold();
    const version = (await handler.history(id)).length - 1;
    const error = await send(id, 'RecordVisit', { notes: 'x' }, { expectedVersion: version - 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConcurrencyConflict);
    expect(error).toMatchObject({ expectedVersion: version - 1, actualVersion: version });
    expect(await handler.history(id)).toHaveLength(version + 1);
    const ok = await send(id, 'RecordVisit', { notes: 'x' }, { expectedVersion: version });
    expect(ok.version).toBe(version + 1);
  });

  it('refuses bad input naming every field and rule, writing nothing', async () => {
    const id = randomUUID();
    const error = await handler
      .handle(
        { commandId: 'short', householdId: 'not-a-uuid', effectiveAt: '2019-02-30' },
        'ApplyForRegistration',
        { household: { ...household(), villageCode: '3209241012' }, members: [] },
        clerk,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'commandId',
        'householdId',
        'effectiveAt',
        'input.household.villageCode',
        'input.members',
      ]),
    );
    await expect(
      handler.handle({ commandId: 'cmd-unknown-1', householdId: id, effectiveAt: '2019-01-01' }, 'PayBribe', {}, clerk),
    ).rejects.toThrow(/type: is not a household command/);
    expect(await store.readStream(householdStream(id))).toEqual([]);
  });

  it('answers duplicate for a repeat that another process appended while this one was deciding', async () => {
    const id = await registeredHousehold();
    // A second handler (another process) whose append is held until the first has written:
    // it decided on the state before the first's events, and its append meets them.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held: typeof store = Object.create(store);
    held.append = async (...args) => {
      await gate;
      return store.append(...args);
    };
    const other = new HouseholdCommandHandler(held, { policy: NATIONAL_POLICY });
    const envelope = { commandId: `visit-two-processes-${id}`, householdId: id, effectiveAt: '2019-03-02' };
    const late = other.handle(envelope, 'RecordVisit', { notes: '同一次走访' }, clerk);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const first = await handler.handle(envelope, 'RecordVisit', { notes: '同一次走访' }, clerk);
    release();
    const second = await late;
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(second.position).toBe(first.position);
    expect((await handler.history(id)).filter((e) => e.type === 'VisitRecorded')).toHaveLength(1);
  });

  it('answers duplicate, not a conflict, for repeats sent at once with the same expected version', async () => {
    const id = await registeredHousehold();
    const version = (await handler.history(id)).length - 1;
    const envelope = {
      commandId: `visit-expected-${id}`,
      householdId: id,
      effectiveAt: '2019-03-02',
      expectedVersion: version,
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => handler.handle(envelope, 'RecordVisit', { notes: '同一次走访' }, clerk)),
    );
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true, true, true, true]);
  });

  it('refuses a command id already used on another household, naming the field', async () => {
    const a = await registeredHousehold();
    const b = await registeredHousehold();
    const commandId = `visit-reused-${a}`;
    await handler.handle(
      { commandId, householdId: a, effectiveAt: '2019-03-02' },
      'RecordVisit',
      { notes: '走访' },
      clerk,
    );
    const before = await handler.history(b);
    const error = await handler
      .handle({ commandId, householdId: b, effectiveAt: '2019-03-02' }, 'RecordVisit', { notes: '走访' }, clerk)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'commandId', message: 'was already used for a different command; every command needs a new id' },
    ]);
    expect(await store.readStream(householdStream(b))).toHaveLength(before.length);
  });

  it('refuses an effective date after today in China, whatever the server’s zone', async () => {
    const id = await registeredHousehold();
    // 2020-06-30 16:30 UTC is already 1 July in China.
    const clocked = new HouseholdCommandHandler(store, {
      policy: NATIONAL_POLICY,
      clock: () => new Date('2020-06-30T16:30:00Z'),
    });
    const visit = (effectiveAt: string) =>
      clocked.handle(
        { commandId: `visit-${effectiveAt}-${id}`, householdId: id, effectiveAt },
        'RecordVisit',
        { notes: '走访' },
        clerk,
      );
    expect((await visit('2020-07-01')).duplicate).toBe(false);
    const error = await visit('2020-07-02').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'effectiveAt', message: 'must not be in the future (today is 2020-07-01, China Standard Time)' },
    ]);
  });

  it('checks the guard on the state the command would leave, and writes nothing when it refuses', async () => {
    const id = await registeredHousehold();
    const [application] = await handler.history(id);
    const replacement = {
      ...(application?.data as object),
      household: { ...household(), villageCode: '320924102203' },
    };
    const phases: string[] = [];
    const error = await handler
      .handle(
        { commandId: `move-${id}`, householdId: id, effectiveAt: '2019-03-02', reason: '村别录入错误' },
        'CorrectEvent',
        { eventId: application?.id, action: 'replace', replacementData: replacement },
        clerk,
        {
          guard: (state, _command, phase) => {
            phases.push(`${phase}:${state.household?.villageCode}`);
            if (phase === 'after' && state.household?.villageCode !== household().villageCode) {
              throw new RuleViolation('OUTSIDE', 'would leave the area');
            }
          },
        },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuleViolation);
    expect(phases).toEqual([`before:${household().villageCode}`, 'after:320924102203']);
    expect(await store.readStream(householdStream(id))).toHaveLength((await handler.history(id)).length);
    expect((await handler.history(id)).some((e) => e.type === 'EventCorrected')).toBe(false);
  });

  it('records with a correction the data it replaces: the event’s, then the latest replacement’s', async () => {
    const id = await registeredHousehold();
    const [application] = await handler.history(id);
    const correct = (address: string, n: number) =>
      handler.handle(
        { commandId: `fix-${n}-${id}`, householdId: id, effectiveAt: '2019-03-02', reason: '地址录入错误' },
        'CorrectEvent',
        {
          eventId: application?.id,
          action: 'replace',
          replacementData: { ...(application?.data as object), household: { ...household(), address } },
        },
        clerk,
      );
    const first = await correct('一组1号', 1);
    const second = await correct('一组2号', 2);
    const previous = (r: typeof first) =>
      (r.events[0]?.data as { previousData?: { household?: { address?: string } } } | undefined)?.previousData
        ?.household?.address;
    expect(previous(first)).toBe(household().address);
    expect(previous(second)).toBe('一组1号');
  });

  it('appends at the exact revision it read, never "any": EventStoreDB recognises retries durably only then', async () => {
    const expected: unknown[] = [];
    const recording: typeof store = Object.create(store);
    // As on EventStoreDB: no multi-stream append, so the claims on ID numbers are single appends too.
    Object.defineProperty(recording, 'appendMany', { value: undefined });
    recording.append = (stream, events, options) => {
      expected.push(options.expectedRevision);
      return store.append(stream, events, options);
    };
    const recorder = new HouseholdCommandHandler(recording, { policy: NATIONAL_POLICY });
    const id = randomUUID();
    let n = 0;
    const send = (type: string, data: unknown, effectiveAt: string) =>
      recorder.handle(
        { commandId: `exact-${id}-${++n}`, householdId: id, effectiveAt },
        type,
        data,
        actorFor(type, clerk),
      );
    await send('ApplyForRegistration', { household: household(), members: family().slice(0, 2) }, '2015-03-01');
    await send('RecordVillageReview', { approved: true }, '2015-03-10');
    await new AreaReferenceHandler(recording).recordRuralPopulation(
      {
        commandId: `population-${id}`,
        areaCode: '320924000000',
        year: 2019,
        population: 5000,
        effectiveAt: '2019-12-31',
      },
      { ...clerk, role: 'admin' },
    );
    // Two claims (one per member's ID number), the application, the review, the population.
    expect(expected).toHaveLength(5);
    expect(expected.filter((e) => e === 'any' || e === 'stream_exists')).toEqual([]);
    expect(expected.slice(0, 4)).toEqual(['no_stream', 'no_stream', 'no_stream', 0]);
  });
});
