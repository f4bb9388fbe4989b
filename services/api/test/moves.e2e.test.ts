import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  monitoredHousehold,
  OTHER_TOWNSHIP,
  OTHER_VILLAGE,
  otherClerk,
  query,
  type RunningApi,
  send,
  startApi,
  TOWNSHIP,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

/** A move (易地扶贫搬迁) needs both areas: proposed where the household lives, accepted where it goes. */
describe('moving a household to another township, with both areas’ authority', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi('moves');
  });
  afterAll(async () => api.close());

  it('is proposed here, invisible there until accepted, accepted there, and keeps its history', async () => {
    const here = await api.client(townshipClerk);
    const there = await api.client(otherClerk);
    const id = randomUUID();
    await monitoredHousehold(here, id, '2020-03-01');
    const household = (client: typeof here) =>
      query<{
        household: { villageCode: string; pendingMove: { toVillageCode: string; relocation: boolean } | null } | null;
      }>(client, 'query($id: ID!) { household(id: $id) { villageCode pendingMove { toVillageCode relocation } } }', {
        id,
      });
    // The village's own clerk may not move a household: a township or county step.
    expect(
      await send(await api.client(villageClerk), 'ProposeMove', {
        householdId: id,
        effectiveAt: '2020-05-01',
        data: { toVillageCode: OTHER_VILLAGE, address: '安置点3栋201', relocation: true },
      }),
    ).toMatchObject({ __typename: 'RuleViolation', rule: 'LEVEL_NOT_ALLOWED' });
    const proposed = await send(here, 'ProposeMove', {
      householdId: id,
      effectiveAt: '2020-05-01',
      data: { toVillageCode: OTHER_VILLAGE, address: '安置点3栋201', relocation: true },
    });
    expect(proposed.__typename).toBe('CommandSuccess');
    // Not theirs yet: the other township sees it only among the moves awaiting it.
    expect(await send(there, 'CancelMove', { householdId: id, effectiveAt: '2020-05-02' })).toMatchObject({
      __typename: 'NotFound',
    });
    await expect
      .poll(async () => (await household(here)).data.household?.pendingMove)
      .toEqual({ toVillageCode: OTHER_VILLAGE, relocation: true });
    const { data } = await query<{
      incomingMoves: { householdId: string; relocation: boolean; fromVillageCode: string }[];
    }>(there, `{ incomingMoves(areaCode: "${OTHER_TOWNSHIP}") { householdId relocation fromVillageCode proposedOn } }`);
    expect(data.incomingMoves).toMatchObject([{ householdId: id, relocation: true, fromVillageCode: VILLAGE }]);
    expect((await household(there)).data.household).toBeNull();

    expect(await send(there, 'AcceptMove', { householdId: id, effectiveAt: '2020-06-01' })).toMatchObject({
      __typename: 'CommandSuccess',
    });
    await expect.poll(async () => (await household(there)).data.household?.villageCode).toBe(OTHER_VILLAGE);
    expect((await household(there)).data.household?.pendingMove).toBeNull();
    expect((await household(here)).data.household).toBeNull();
    // As it stood in May, the household was still in the first township's roll.
    const may = await query<{ registrySnapshot: { households: number } }>(
      here,
      `{ registrySnapshot(areaCode: "${TOWNSHIP}", effectiveOn: "2020-05-15") { households } }`,
    );
    const july = await query<{ registrySnapshot: { households: number } }>(
      here,
      `{ registrySnapshot(areaCode: "${TOWNSHIP}", effectiveOn: "2020-07-01") { households } }`,
    );
    expect(may.data.registrySnapshot.households - july.data.registrySnapshot.households).toBe(1);
  });
});
