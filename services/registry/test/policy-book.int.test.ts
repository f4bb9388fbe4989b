import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@registry/eventstore/postgres';
import { type Actor, NATIONAL_POLICY, POLICY_STREAM } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors.js';
import { HouseholdCommandHandler } from '../src/handler.js';
import { PolicyBook } from '../src/policy-book.js';
import { actorFor, family, household } from './fixtures.js';

const admin: Actor = { id: 'admin-li', role: 'admin', unit: '省扶贫办' };
const clerk: Actor = { id: 'clerk-zhang', role: 'clerk', unit: '320924101000' };

describe('policy recorded as events, read by the rules as of each command’s date', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let book: PolicyBook;
  let handler: HouseholdCommandHandler;
  beforeAll(async () => {
    db = await createTestDatabase('policy_book');
    store = await PostgresEventStore.open({ pool: db.pool });
    book = new PolicyBook(store, NATIONAL_POLICY);
    handler = new HouseholdCommandHandler(store, { policy: book });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('records today’s values as the first version once, however often it is seeded', async () => {
    await Promise.all([book.seed(), new PolicyBook(store, NATIONAL_POLICY).seed(), book.seed()]);
    const recorded = await store.readStream(POLICY_STREAM);
    expect(recorded.map((e) => e.type)).toEqual(['PolicyVersionRecorded']);
    expect(recorded[0]?.metadata.actor.role).toBe('system');
    const timeline = await book.timeline();
    expect(timeline.versions.map((v) => [v.policy.id, v.effectiveFrom])).toEqual([['national-2014', '2014-01-01']]);
  });

  it('opens a notice for the days of the version in force on its date, before and after a new version', async () => {
    const recorded = await book.record(
      {
        commandId: 'policy-2018',
        effectiveFrom: '2018-01-01',
        reason: '省扶贫办通知：公示期改为 5 天',
        policy: { ...NATIONAL_POLICY, id: 'province-2018', noticeDays: 5 },
      },
      admin,
    );
    expect(recorded.duplicate).toBe(false);
    // Again: nothing new.
    const again = await book.record(
      {
        commandId: 'policy-2018',
        effectiveFrom: '2018-01-01',
        reason: '省扶贫办通知：公示期改为 5 天',
        policy: { ...NATIONAL_POLICY, id: 'province-2018', noticeDays: 5 },
      },
      admin,
    );
    expect(again).toEqual({ position: recorded.position, duplicate: true });

    const noticeClosesOn = async (appliedOn: string, reviewedOn: string, openedOn: string) => {
      const id = randomUUID();
      const send = (type: string, data: unknown, effectiveAt: string) =>
        handler.handle({ commandId: randomUUID(), householdId: id, effectiveAt }, type, data, actorFor(type, clerk));
      await send('ApplyForRegistration', { household: household(), members: family() }, appliedOn);
      await send('RecordVillageReview', { approved: true }, reviewedOn);
      await send('OpenPublicNotice', {}, openedOn);
      const opened = (await handler.history(id)).at(-1);
      return (opened?.data as { closesOn?: string } | undefined)?.closesOn;
    };
    expect(await noticeClosesOn('2017-03-01', '2017-03-10', '2017-03-11')).toBe('2017-03-18');
    expect(await noticeClosesOn('2018-03-01', '2018-03-10', '2018-03-11')).toBe('2018-03-16');
  });

  it('refuses a version that does not parse or reuses an id, naming the field, and writes nothing', async () => {
    const before = (await store.readStream(POLICY_STREAM)).length;
    const refused = async (input: unknown) => {
      const error = await book.record(input, admin).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues.map((i) => i.path);
    };
    expect(
      await refused({
        commandId: 'policy-bad-1',
        effectiveFrom: '2019-01-01',
        reason: '错误',
        policy: { ...NATIONAL_POLICY, id: 'bad', noticeDays: 0 },
      }),
    ).toEqual(['policy.noticeDays']);
    expect(
      await refused({
        commandId: 'policy-bad-2',
        effectiveFrom: '2019-01-01',
        reason: '错误',
        policy: { ...NATIONAL_POLICY, id: 'bad', areaExitIncidence: { standard: 2, west: 0.03 } },
      }),
    ).toEqual(['policy.areaExitIncidence.standard']);
    expect(
      await refused({
        commandId: 'policy-dup-1',
        effectiveFrom: '2019-01-01',
        reason: '重复',
        policy: { ...NATIONAL_POLICY, id: 'province-2018' },
      }),
    ).toEqual(['policy.id']);
    // Checked before anything is appended, each by its field: a NUL, a control character, a
    // date before the registry's start.
    expect(
      await refused({
        commandId: 'policy-hostile',
        effectiveFrom: '1990-01-01',
        reason: '通知\u0007',
        policy: { ...NATIONAL_POLICY, id: 'hostile', description: 'a\u0000b' },
      }),
    ).toEqual(['effectiveFrom', 'reason', 'policy.description']);
    expect((await store.readStream(POLICY_STREAM)).length).toBe(before);
  });
});
