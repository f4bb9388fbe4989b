import { PostgresEventStore } from '@registry/eventstore/postgres';
import { AreaReferenceHandler, ValidationError } from '@registry/registry';
import type { Actor } from '@registry/schema';
import { createTestDatabase, type TestDatabase } from '@registry/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AreaDirectory } from '../src/area-names.js';
import { commonName, DivisionRegister } from '../src/divisions.js';
import { ReferenceProjection } from '../src/reference-projection.js';
import { ProjectionRunner } from '../src/runner.js';

const admin: Actor = { id: 'admin-province', role: 'admin', unit: '320000000000' };
const LINHAI = '320924101000';
const XINDONG = '320924101201';
const HOUJIAN = '320924101202';
/** A code the register lacks: a village split off after its edition. */
const SPLIT = '320924101299';

describe('the national register of divisions', () => {
  const register = new DivisionRegister();

  it('names every level of a code, down to the village, with its parent', async () => {
    expect(await register.find('320000000000')).toMatchObject({ name: '江苏省', level: 'province', parentCode: null });
    expect(await register.find('320900000000')).toMatchObject({
      name: '盐城市',
      level: 'city',
      parentCode: '320000000000',
    });
    expect(await register.find('320924000000')).toMatchObject({ name: '射阳县', level: 'county' });
    expect(await register.find(LINHAI)).toMatchObject({
      name: '临海镇',
      level: 'township',
      parentCode: '320924000000',
    });
    expect(await register.find(XINDONG)).toEqual({
      code: XINDONG,
      name: '新东村',
      registerName: '新东村委会',
      level: 'village',
      parentCode: LINHAI,
    });
    expect(await register.find(SPLIT)).toBeUndefined();
    expect(await register.find('not a code')).toBeUndefined();
  });

  it('finds the first and the last villages of the file and a township of hundreds', async () => {
    // The bisection's edges: the file's first line after its header, and its last.
    expect((await register.children('110101001000'))[0]).toMatchObject({ code: '110101001001', name: '多福巷社区' });
    const provinces = await register.children(null);
    expect(provinces).toHaveLength(31);
    const last = provinces.at(-1)?.code as string;
    const lastCounty = (await register.children((await register.children(last)).at(-1)?.code as string)).at(-1);
    const lastTownship = (await register.children(lastCounty?.code as string)).at(-1);
    const villages = await register.children(lastTownship?.code as string);
    expect(villages.length).toBeGreaterThan(0);
    for (const v of villages) expect(v.parentCode).toBe(lastTownship?.code);
    const linhai = await register.children(LINHAI);
    expect(linhai.map((v) => v.code)).toContain(HOUJIAN);
    expect(linhai.every((v) => v.code.startsWith('320924101'))).toBe(true);
    expect(new Set(linhai.map((v) => v.code)).size).toBe(linhai.length);
  });

  it('reads a committee as its village or community', () => {
    expect(commonName('新东村委会')).toBe('新东村');
    expect(commonName('多福巷社区居委会')).toBe('多福巷社区');
    expect(commonName('八大家居委会')).toBe('八大家居委会');
    expect(commonName('临海镇')).toBe('临海镇');
  });
});

describe('area names as of a date', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let reference: ReferenceProjection;
  let runner: ProjectionRunner;
  let directory: AreaDirectory;
  let handler: AreaReferenceHandler;
  let last = '';

  beforeAll(async () => {
    db = await createTestDatabase('area_names');
    store = await PostgresEventStore.open({ pool: db.pool });
    reference = new ReferenceProjection();
    runner = new ProjectionRunner({ store, pool: db.pool, projection: reference });
    await runner.start();
    directory = new AreaDirectory(db.pool, reference);
    handler = new AreaReferenceHandler(store, undefined, (code, on) =>
      directory.known(code, { effectiveOn: on, knownAt: new Date().toISOString() }),
    );
    const renamed = await handler.nameArea(
      { commandId: 'rename-xindong', areaCode: XINDONG, areaName: '新东社区', effectiveAt: '2022-03-01' },
      admin,
    );
    const split = await handler.nameArea(
      { commandId: 'split-off', areaCode: SPLIT, areaName: '海丰村', effectiveAt: '2021-06-01' },
      admin,
    );
    // The merger's check reads the names as projected.
    await runner.waitFor(split.position);
    last = (
      await handler.mergeArea(
        { commandId: 'merge-houjian', areaCode: HOUJIAN, into: SPLIT, effectiveAt: '2023-01-01' },
        admin,
      )
    ).position;
    await runner.waitFor(renamed.position);
    await runner.waitFor(last);
  });

  afterAll(async () => {
    await runner.stop();
    await store.close();
    await db.close();
  });

  const on = (effectiveOn: string, knownAt = new Date().toISOString()) => ({ effectiveOn, knownAt });

  it('names an area by the register before a renaming and by the record from its date', async () => {
    const before = (await directory.areas([XINDONG], on('2022-02-28'))).get(XINDONG);
    expect(before).toMatchObject({ name: '新东村', fullName: '临海镇新东村', fromRegister: true, known: true });
    const after = (await directory.areas([XINDONG], on('2022-03-01'))).get(XINDONG);
    expect(after).toMatchObject({ name: '新东社区', fullName: '临海镇新东社区', fromRegister: false });
    // As known before the renaming was recorded, the register's name holds even for a later date.
    const knownBefore = (await directory.areas([XINDONG], on('2026-01-01', '2020-01-01T00:00:00Z'))).get(XINDONG);
    expect(knownBefore?.name).toBe('新东村');
  });

  it('lists a township’s villages on a date: split-off ones from their naming, merged ones until their merger', async () => {
    const codes = async (date: string) => (await directory.children(LINHAI, on(date))).map((a) => a.code);
    expect(await codes('2021-05-31')).toEqual(expect.arrayContaining([XINDONG, HOUJIAN]));
    expect(await codes('2021-05-31')).not.toContain(SPLIT);
    expect(await codes('2022-06-01')).toEqual(expect.arrayContaining([XINDONG, HOUJIAN, SPLIT]));
    expect(await codes('2023-01-01')).not.toContain(HOUJIAN);
    const merged = (await directory.areas([HOUJIAN], on('2023-01-01'))).get(HOUJIAN);
    expect(merged).toMatchObject({ name: '后涧村', mergedInto: SPLIT });
  });

  it('shows an unknown code as itself and refuses a merger into it', async () => {
    const unknown = '320924101298';
    expect((await directory.areas([unknown], on('2026-01-01'))).get(unknown)).toMatchObject({
      name: unknown,
      fullName: unknown,
      known: false,
    });
    const refused = await handler
      .mergeArea({ commandId: 'merge-nowhere', areaCode: XINDONG, into: unknown, effectiveAt: '2024-01-01' }, admin)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues).toEqual([
      { path: 'into', message: 'must be an area in the national register or named before the merger' },
    ]);
    const sideways = await handler
      .mergeArea({ commandId: 'merge-up', areaCode: XINDONG, into: LINHAI, effectiveAt: '2024-01-01' }, admin)
      .catch((e: unknown) => e);
    expect((sideways as ValidationError).issues).toEqual([
      { path: 'into', message: 'must be an area of the same level as the one merged' },
    ]);
    expect((await store.readStream(`area-${XINDONG}`)).map((e) => e.type)).toEqual(['AreaNamed']);
  });
});
