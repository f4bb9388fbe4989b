import { createHash } from 'node:crypto';
import type { SampledHousehold, SampleSizes, VillageStratum } from '@registry/schema';

/**
 * The seeded draw. Anyone holding the seed and the frame can redo it with nothing but SHA-256:
 * every candidate gets the rank `sha256(seed + "\n" + scope + "\n" + id)` (hex), candidates are
 * ordered by rank, and the first n are taken. Villages are ranked in scope `village` within
 * their stratum (poor, other); households in scope `exited` or `registered` within their
 * village. No random-number generator, no machine-dependent floats: the same seed and frame
 * give the same sample everywhere.
 */

/** A registry household the draw may pick: its status at the cut-off decides its stratum. */
export interface FrameHousehold {
  householdId: string;
  villageCode: string;
  stratum: 'exited' | 'registered';
  people: number;
}

/** What the registry held at the cut-off, as known when the assessment opened. */
export interface SamplingFrame {
  villages: readonly string[];
  households: readonly FrameHousehold[];
}

export interface Draw {
  villages: { villageCode: string; stratum: VillageStratum }[];
  households: SampledHousehold[];
}

export function rank(seed: string, scope: string, id: string): string {
  return createHash('sha256').update(`${seed}\n${scope}\n${id}`).digest('hex');
}

/** SHA-256 of the frame in a canonical form (sorted lines), recorded with the draw. */
export function frameDigest(frame: SamplingFrame): string {
  const lines = [
    ...[...frame.villages].sort().map((v) => `V ${v}`),
    ...frame.households.map((h) => `H ${h.householdId} ${h.villageCode} ${h.stratum} ${h.people}`).sort(),
  ];
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

function firstByRank<T>(items: readonly T[], n: number, key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, key: key(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, n)
    .map((r) => r.item);
}

export function drawSample(
  frame: SamplingFrame,
  seed: string,
  sizes: SampleSizes,
  poorVillageCodes: readonly string[],
): Draw {
  const poor = new Set(poorVillageCodes);
  const villages = [...new Set(frame.villages)];
  const byRank = (v: string) => rank(seed, 'village', v);
  const chosen = [
    ...firstByRank(
      villages.filter((v) => poor.has(v)),
      sizes.poorVillages,
      byRank,
    ).map((villageCode) => ({ villageCode, stratum: 'poor' as const })),
    ...firstByRank(
      villages.filter((v) => !poor.has(v)),
      sizes.otherVillages,
      byRank,
    ).map((villageCode) => ({ villageCode, stratum: 'other' as const })),
  ].sort((a, b) => (a.villageCode < b.villageCode ? -1 : 1));

  const inVillage = new Map<string, FrameHousehold[]>();
  for (const h of frame.households) {
    const list = inVillage.get(h.villageCode) ?? [];
    list.push(h);
    inVillage.set(h.villageCode, list);
  }
  const households: SampledHousehold[] = [];
  for (const { villageCode } of chosen) {
    const candidates = inVillage.get(villageCode) ?? [];
    for (const [stratum, n] of [
      ['exited', sizes.exitedPerVillage],
      ['registered', sizes.registeredPerVillage],
    ] as const) {
      const picked = firstByRank(
        candidates.filter((h) => h.stratum === stratum),
        n,
        (h) => rank(seed, stratum, h.householdId),
      );
      for (const h of picked) households.push({ householdId: h.householdId, villageCode, stratum, people: h.people });
    }
  }
  return { villages: chosen, households };
}
