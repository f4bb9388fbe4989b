import type { RecordedEvent } from '@registry/eventstore';
import { migrate } from '@registry/postgres';
import { AREA_STREAM_PREFIX, AreaEvents, areaPrefix } from '@registry/schema';
import type pg from 'pg';
import { referenceTables } from './migrations.js';
import type { Projection } from './runner.js';

/**
 * Area reference data: the rural population recorded per area and year (the latest and every
 * figure), poor villages and area exits, and the division register's changes (names, mergers).
 */
export class ReferenceProjection implements Projection {
  readonly name: string;
  readonly filter = { streamPrefixes: [AREA_STREAM_PREFIX] };
  /** `population`: the latest figure per area and year; `populationHistory`: every figure, by when it was recorded. */
  readonly tables: { population: string; populationHistory: string; records: string; changes: string };

  constructor(readonly version = 1) {
    this.name = `reference_v${version}`;
    this.tables = {
      population: `rm_area_population_v${version}`,
      populationHistory: `rm_area_population_history_v${version}`,
      records: `rm_area_records_v${version}`,
      changes: `rm_area_changes_v${version}`,
    };
  }

  async setUp(pool: pg.Pool): Promise<void> {
    await migrate(pool, this.name, referenceTables(this.version));
  }

  async apply(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
    const latest = new Map<string, Record<string, unknown>>();
    const all: Record<string, unknown>[] = [];
    for (const e of events) {
      if (e.type !== AreaEvents.RuralPopulationRecorded.type) {
        await this.record(e, tx);
        continue;
      }
      const data = AreaEvents.RuralPopulationRecorded.schema.parse(e.data);
      const row = {
        area_code: data.areaCode,
        year: data.year,
        population: data.population,
        recorded_at: e.recordedAt,
        position: e.position,
      };
      latest.set(`${data.areaCode}:${data.year}`, row);
      all.push(row);
    }
    await tx.query(
      `INSERT INTO ${this.tables.population} SELECT * FROM jsonb_populate_recordset(NULL::${this.tables.population}, $1::jsonb)
       ON CONFLICT (area_code, year) DO UPDATE SET population = EXCLUDED.population, recorded_at = EXCLUDED.recorded_at, position = EXCLUDED.position`,
      [JSON.stringify([...latest.values()])],
    );
    // Indicators as known at a time read the figure recorded by then.
    await tx.query(
      `INSERT INTO ${this.tables.populationHistory} SELECT * FROM jsonb_populate_recordset(NULL::${this.tables.populationHistory}, $1::jsonb)
       ON CONFLICT (position) DO NOTHING`,
      [JSON.stringify(all)],
    );
  }

  /** A poor village's designation and an area's exit steps, on the area's row. */
  private async record(e: RecordedEvent, tx: pg.PoolClient): Promise<void> {
    const t = this.tables.records;
    const on = e.metadata.effectiveAt;
    const upsert = async (set: string, values: unknown[]) => {
      await tx.query(`INSERT INTO ${t} (area_code) VALUES ($1) ON CONFLICT (area_code) DO NOTHING`, [values[0]]);
      await tx.query(`UPDATE ${t} SET ${set} WHERE area_code = $1`, values);
    };
    switch (e.type) {
      case AreaEvents.PoorVillageDesignated.type: {
        const d = AreaEvents.PoorVillageDesignated.schema.parse(e.data);
        await upsert('poor_since_year = $2, designated_on = $3, designated_recorded_at = $4', [
          d.areaCode,
          d.year,
          on,
          e.recordedAt,
        ]);
        return;
      }
      case AreaEvents.AreaExitProposed.type: {
        const d = AreaEvents.AreaExitProposed.schema.parse(e.data);
        await upsert(`exit_step = 'review', exit_year = $2`, [d.areaCode, d.year]);
        return;
      }
      case AreaEvents.AreaExitReviewed.type: {
        const d = AreaEvents.AreaExitReviewed.schema.parse(e.data);
        await upsert(`exit_step = $2`, [d.areaCode, d.approved ? 'announcement' : null]);
        return;
      }
      case AreaEvents.AreaExitAnnounced.type: {
        const d = AreaEvents.AreaExitAnnounced.schema.parse(e.data);
        await upsert('exit_step = NULL, exit_year = $2, exited_on = $3, exited_recorded_at = $4', [
          d.areaCode,
          d.year,
          on,
          e.recordedAt,
        ]);
        return;
      }
      case AreaEvents.AreaNamed.type:
      case AreaEvents.AreaMerged.type: {
        const named = e.type === AreaEvents.AreaNamed.type ? AreaEvents.AreaNamed.schema.parse(e.data) : undefined;
        const merged = e.type === AreaEvents.AreaMerged.type ? AreaEvents.AreaMerged.schema.parse(e.data) : undefined;
        await tx.query(
          `INSERT INTO ${this.tables.changes} (position, area_code, effective_on, recorded_at, name, merged_into)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (position) DO NOTHING`,
          [
            e.position,
            named?.areaCode ?? merged?.areaCode,
            on,
            e.recordedAt,
            named?.name ?? null,
            merged?.into ?? null,
          ],
        );
        return;
      }
      default:
        throw new Error(`event ${e.id} at ${e.position}: unknown area event type ${e.type}`);
    }
  }
}

/**
 * The poor villages (建档立卡贫困村) of an area designated by `effectiveOn` as known at `knownAt`,
 * with the date each exited (销号) where it had by then.
 */
export async function poorVillages(
  db: pg.Pool,
  reference: Pick<ReferenceProjection, 'tables'>,
  query: { areaCode: string; effectiveOn: string; knownAt: string },
): Promise<{ villageCode: string; since: number; exitedOn: string | null }[]> {
  const rows = await db.query<{ area_code: string; poor_since_year: number; exited_on: string | null }>(
    `SELECT area_code, poor_since_year,
            CASE WHEN exited_on <= $2::date AND exited_recorded_at <= $3::timestamptz
                 THEN to_char(exited_on, 'YYYY-MM-DD') END AS exited_on
       FROM ${reference.tables.records}
      WHERE area_code LIKE $1 AND designated_on <= $2::date AND designated_recorded_at <= $3::timestamptz
      ORDER BY area_code`,
    [`${areaPrefix(query.areaCode)}%`, query.effectiveOn, query.knownAt],
  );
  return rows.rows.map((r) => ({ villageCode: r.area_code, since: r.poor_since_year, exitedOn: r.exited_on }));
}
