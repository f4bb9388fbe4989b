import { PostgresEventStore } from '@registry/eventstore/postgres';
import { HouseholdCommandHandler, STATE_SHAPE } from '@registry/registry';
import { ALL_CONDITIONS_MET, NATIONAL_POLICY } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryProjection } from '../src/registry-projection.js';
import {
  auditTrail,
  countHouseholds,
  exitedHouseholds,
  findHouseholds,
  loadHouseholds,
  type RollQuery,
} from '../src/roll.js';
import { ProjectionRunner } from '../src/runner.js';
import { cardNumberOf, clerkFor, VILLAGE } from './scenario.js';

const TOWNSHIP = '320924101000';
const OTHER_VILLAGE = '320924101202';

describe('roll and audit queries: the read side’s named questions', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let projection: RegistryProjection;
  let runner: ProjectionRunner;
  let ids: { exited: string; registered: string; elsewhere: string };
  let headName: string;
  let registered: ReturnType<typeof clerkFor>;
  beforeAll(async () => {
    db = await createTestDatabase('roll');
    store = await PostgresEventStore.open({ pool: db.pool });
    const handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    projection = new RegistryProjection(store);
    runner = new ProjectionRunner({ store, pool: db.pool, projection, batchSize: 50 });
    await runner.start();
    const a = clerkFor(handler);
    const b = clerkFor(handler);
    const c = clerkFor(handler);
    await a.register();
    await a.exit(2019);
    await b.register();
    const last = await c.register(OTHER_VILLAGE);
    await runner.waitFor(last.position);
    ids = { exited: a.householdId, registered: b.householdId, elsewhere: c.householdId };
    headName = b.head.name;
    registered = b;
  });
  afterAll(async () => {
    await runner.stop();
    await store.close();
    await db.close();
  });

  const find = (q: RollQuery, limit = 50) => findHouseholds(db.pool, projection, q, { limit });
  const idsOf = (rows: { householdId: string }[]) => rows.map((r) => r.householdId).sort();

  it('filters the roll by area, status, cause, monitoring and text, and counts the same rows it finds', async () => {
    const cases: [RollQuery, string[]][] = [
      [{ areaCode: TOWNSHIP }, [ids.exited, ids.registered, ids.elsewhere]],
      [{ areaCode: VILLAGE }, [ids.exited, ids.registered]],
      [{ areaCode: OTHER_VILLAGE }, [ids.elsewhere]],
      [{ areaCode: '320924000000', status: ['exited'] }, [ids.exited]],
      [{ status: ['registered', 'helped'] }, [ids.registered, ids.elsewhere]],
      [{ cause: 'lack_of_capital', areaCode: VILLAGE }, [ids.exited, ids.registered]],
      [{ cause: 'disability' }, []],
      [{ helperId: 'cadre-042', areaCode: OTHER_VILLAGE }, [ids.elsewhere]],
      [{ monitored: true }, []],
      [{ monitored: false, areaCode: OTHER_VILLAGE }, [ids.elsewhere]],
      [{ text: '张庄', areaCode: VILLAGE }, [ids.exited, ids.registered]],
      [{ text: headName, people: true }, [ids.registered]],
      // Without `people` a name matches nothing: those who see names masked may not probe them.
      [{ text: headName, people: false }, []],
      // LIKE's own characters are taken literally.
      [{ text: '%' }, []],
      [{ text: '_' }, []],
    ];
    for (const [query, expected] of cases) {
      expect(idsOf(await find(query)), JSON.stringify(query)).toEqual([...expected].sort());
      expect(await countHouseholds(db.pool, projection, query), JSON.stringify(query)).toBe(expected.length);
    }
  });

  it('pages the roll by household id either way round, and loads rows by id', async () => {
    const all = idsOf(await find({}));
    expect(all).toHaveLength(3);
    const first = await find({}, 2);
    expect(first.map((r) => r.householdId)).toEqual(all.slice(0, 2));
    const rest = await findHouseholds(db.pool, projection, {}, { after: first[1]?.householdId, limit: 2 });
    expect(rest.map((r) => r.householdId)).toEqual(all.slice(2));
    const back = await findHouseholds(db.pool, projection, {}, { before: all[2], limit: 5, descending: true });
    expect(back.map((r) => r.householdId)).toEqual([all[1], all[0]]);

    const loaded = await loadHouseholds(db.pool, projection, [ids.exited, 'not-a-uuid', crypto.randomUUID()]);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]).toMatchObject({
      householdId: ids.exited,
      villageCode: VILLAGE,
      townshipCode: TOWNSHIP,
      status: 'exited',
    });
    expect(loaded[0]?.lastEffectiveAt).toBe('2019-12-31');
  });

  it('lists the exited households of an area', async () => {
    expect(await exitedHouseholds(db.pool, projection, TOWNSHIP)).toEqual([
      { householdId: ids.exited, cardNumber: cardNumberOf(ids.exited) },
    ]);
    expect(await exitedHouseholds(db.pool, projection, OTHER_VILLAGE)).toEqual([]);
  });

  it('pages the audit trail in log order, filtered by household, event type and area', async () => {
    const approvals = await auditTrail(db.pool, projection, { eventType: 'RegistrationApproved' }, { limit: 10 });
    expect(approvals.map((r) => r.householdId).sort()).toEqual(Object.values(ids).sort());
    const positions = approvals.map((r) => r.position);
    expect([...positions].sort()).toEqual(positions);
    const second = await auditTrail(
      db.pool,
      projection,
      { eventType: 'RegistrationApproved' },
      { after: positions[0], limit: 1 },
    );
    expect(second.map((r) => r.position)).toEqual([positions[1]]);

    const exit = await auditTrail(
      db.pool,
      projection,
      { householdId: ids.exited, eventType: 'ExitApproved', areaCode: VILLAGE },
      { limit: 10 },
    );
    expect(exit).toHaveLength(1);
    expect(exit[0]).toMatchObject({ effectiveAt: '2019-12-31', actorId: 'county-approver-wang', villageCode: VILLAGE });
    expect(
      await auditTrail(db.pool, projection, { householdId: ids.exited, areaCode: OTHER_VILLAGE }, { limit: 10 }),
    ).toEqual([]);
  });

  it('never shows a state stored in another shape: readers and the projection fold that household again from its events', async () => {
    const t = projection.tables;
    const before = (await loadHouseholds(db.pool, projection, [ids.registered]))[0];
    // As an older version stored it: another shape, with fields this code does not know.
    await db.pool.query(
      `UPDATE ${t.households} SET state_shape = 1, state = '{"status":"none","members":{},"visits":{"x":{}}}' WHERE household_id = $1`,
      [ids.registered],
    );
    const read = (await loadHouseholds(db.pool, projection, [ids.registered]))[0];
    expect(read).toEqual(before);
    expect(read?.members).toHaveLength(2);

    const visit = await registered.send('RecordVisit', { notes: '走访' }, '2016-05-01');
    await runner.waitFor(visit.position);
    const stored = await db.pool.query(`SELECT state_shape, state FROM ${t.households} WHERE household_id = $1`, [
      ids.registered,
    ]);
    expect(stored.rows[0].state_shape).toBe(STATE_SHAPE);
    expect(stored.rows[0].state.status).toBe('registered');
    expect(Object.keys(stored.rows[0].state.members)).toHaveLength(2);
    const after = (await loadHouseholds(db.pool, projection, [ids.registered]))[0];
    expect(after?.visits.map((v) => v.notes)).toEqual(['走访']);
    expect(after?.version).toBe((before?.version ?? 0) + 1);
  });

  // Last: it adds households the cases above do not expect.
  it('finds households by their open case (kind, or kind and step) and by too few visits in a year', async () => {
    const QUEUE_VILLAGE = '320924102201';
    const handler = new HouseholdCommandHandler(store, { policy: NATIONAL_POLICY });
    const applying = clerkFor(handler);
    const exiting = clerkFor(handler);
    const visited = clerkFor(handler);
    await applying.send(
      'ApplyForRegistration',
      { household: { villageCode: QUEUE_VILLAGE, address: '南河村1号' }, members: [applying.head] },
      '2016-03-01',
    );
    await applying.send('RecordVillageReview', { approved: true }, '2016-03-10');
    await applying.send('OpenPublicNotice', {}, '2016-03-11');
    await exiting.register(QUEUE_VILLAGE);
    await exiting.send(
      'AssessConditions',
      { year: 2019, incomePerCapitaFen: 720_000, ...ALL_CONDITIONS_MET },
      '2019-11-15',
    );
    await exiting.send('ProposeExit', { year: 2019 }, '2019-11-20');
    await visited.register(QUEUE_VILLAGE);
    for (const month of ['01', '03', '05', '07', '09', '11']) {
      await visited.send('RecordVisit', { notes: '走访' }, `2018-${month}-10`);
    }
    const last = await visited.send('RecordVisit', { notes: '走访' }, '2019-01-10');
    await runner.waitFor(last.position);
    const cases: [RollQuery, string[]][] = [
      [{ openCase: 'identification' }, [applying.householdId]],
      [{ openCase: 'identification:village_notice' }, [applying.householdId]],
      [{ openCase: 'identification:village_review' }, []],
      [{ openCase: 'exit' }, [exiting.householdId]],
      [{ openCase: 'exit:village_review' }, [exiting.householdId]],
      // A step's name is not a kind, nor a pattern.
      [{ openCase: 'village_notice' }, []],
      [{ openCase: 'identification:%' }, []],
      [
        { areaCode: QUEUE_VILLAGE, status: ['registered'], fewerVisits: { year: 2018, minimum: 6 } },
        [exiting.householdId],
      ],
      [
        { areaCode: QUEUE_VILLAGE, status: ['registered'], fewerVisits: { year: 2018, minimum: 7 } },
        [exiting.householdId, visited.householdId],
      ],
      [
        { areaCode: QUEUE_VILLAGE, status: ['registered'], fewerVisits: { year: 2019, minimum: 1 } },
        [exiting.householdId],
      ],
    ];
    for (const [query, expected] of cases) {
      expect(idsOf(await find(query)), JSON.stringify(query)).toEqual([...expected].sort());
      expect(await countHouseholds(db.pool, projection, query), JSON.stringify(query)).toBe(expected.length);
    }
  });
});
