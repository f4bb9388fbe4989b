import type pg from 'pg';
import { areaCondition } from './areas.js';
import type { RegistryProjection } from './registry-projection.js';

/** People of the registry at a cut-off, by their households' status then. */
export interface PeopleAtCutoff {
  registeredPeople: number;
  exitedPeople: number;
  cardedPeople: number;
}

/** What an assessment's draw reads: the households it may sample and the people it divides by. */
export interface RegistryFrame {
  villages: string[];
  households: { householdId: string; villageCode: string; stratum: 'exited' | 'registered'; people: number }[];
  area: PeopleAtCutoff;
  byVillage: Map<string, PeopleAtCutoff>;
}

const ON_ROLL = new Set(['registered', 'returned']);

/**
 * The registry of an area as effective on the cut-off, as known at `knownAt` (the two-clock
 * status history): every village that has a household on file then, the households exited or
 * on the roll (the draw's strata), and the people counts the rates divide by. The same
 * arguments give the same frame however much is recorded later.
 */
export async function registryFrame(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  query: { areaCode: string; effectiveOn: string; knownAt: string },
): Promise<RegistryFrame> {
  const rows = await db.query<{ household_id: string; village_code: string; status: string; member_count: number }>(
    `SELECT household_id, village_code, status, member_count
       FROM ${projection.tables.history}
      WHERE ${areaCondition(query.areaCode, '$1')} AND village_code IS NOT NULL
        AND effective_from <= $2::date AND (effective_to IS NULL OR effective_to > $2::date)
        AND recorded_from <= $3::timestamptz AND (recorded_to IS NULL OR recorded_to > $3::timestamptz)
      ORDER BY household_id`,
    [query.areaCode, query.effectiveOn, query.knownAt],
  );
  const villages = new Set<string>();
  const households: RegistryFrame['households'] = [];
  const area: PeopleAtCutoff = { registeredPeople: 0, exitedPeople: 0, cardedPeople: 0 };
  const byVillage = new Map<string, PeopleAtCutoff>();
  for (const r of rows.rows) {
    villages.add(r.village_code);
    const stratum = r.status === 'exited' ? 'exited' : ON_ROLL.has(r.status) ? 'registered' : undefined;
    if (!stratum) continue;
    households.push({ householdId: r.household_id, villageCode: r.village_code, stratum, people: r.member_count });
    const village = byVillage.get(r.village_code) ?? { registeredPeople: 0, exitedPeople: 0, cardedPeople: 0 };
    for (const counts of [area, village]) {
      if (stratum === 'exited') counts.exitedPeople += r.member_count;
      else counts.registeredPeople += r.member_count;
      counts.cardedPeople += r.member_count;
    }
    byVillage.set(r.village_code, village);
  }
  return { villages: [...villages].sort(), households, area, byVillage };
}

/** How assessors find a sampled household on site: its card number and head as the roll records them now. */
export interface HouseholdIdentifiers {
  cardNumber: string | null;
  headName: string | null;
  headNationalId: string | null;
}

export async function householdIdentifiers(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  householdIds: readonly string[],
): Promise<Map<string, HouseholdIdentifiers>> {
  const t = projection.tables;
  const rows = await db.query<{
    household_id: string;
    card_number: string | null;
    name: string | null;
    national_id: string | null;
  }>(
    `SELECT h.household_id, h.card_number, m.name, m.national_id
       FROM ${t.households} h
       LEFT JOIN ${t.members} m ON m.household_id = h.household_id AND m.relation = 'head'
      WHERE h.household_id = ANY($1::uuid[])`,
    [householdIds],
  );
  return new Map(
    rows.rows.map((r) => [
      r.household_id,
      { cardNumber: r.card_number, headName: r.name, headNationalId: r.national_id },
    ]),
  );
}

/** An event that acts on an assessment's finding: an exit annulled, a household removed, an application made. */
export interface RectifyingEvent {
  householdId: string;
  eventType: string;
  recordedAt: string;
  /** For an application: the national ID numbers of the applying household's members. */
  nationalIds: string[];
}

/**
 * The registry's events that can act on findings: annulments and removals of the given
 * households, and applications of households that hold one of the given ID numbers.
 */
export async function rectifyingEvents(
  db: pg.Pool,
  projection: Pick<RegistryProjection, 'tables'>,
  query: { householdIds: readonly string[]; nationalIds: readonly string[] },
): Promise<RectifyingEvent[]> {
  const t = projection.tables;
  const rows = await db.query<{ household_id: string; event_type: string; recorded_at: Date; ids: string[] | null }>(
    `SELECT a.household_id, a.event_type, a.recorded_at, NULL::text[] AS ids
       FROM ${t.audit} a
      WHERE a.household_id = ANY($1::uuid[]) AND a.event_type IN ('ExitAnnulled', 'RemovedFromRegistry')
     UNION ALL
     SELECT a.household_id, a.event_type, a.recorded_at,
            (SELECT array_agg(m.national_id) FROM ${t.members} m
              WHERE m.household_id = a.household_id AND m.national_id = ANY($2::text[])) AS ids
       FROM ${t.audit} a
      WHERE a.event_type = 'ApplicationSubmitted'
        AND a.household_id IN (SELECT household_id FROM ${t.members} WHERE national_id = ANY($2::text[]))`,
    [query.householdIds, query.nationalIds],
  );
  return rows.rows.map((r) => ({
    householdId: r.household_id,
    eventType: r.event_type,
    recordedAt: r.recorded_at.toISOString(),
    nationalIds: r.ids ?? [],
  }));
}
