import type { RecordedEvent } from '@registry/eventstore';
import { migrate } from '@registry/postgres';
import { AREA_STREAM_PREFIX, AreaEvents } from '@registry/schema';
import type pg from 'pg';
import { referenceTables } from './migrations.js';
import type { Projection } from './runner.js';

/** Area reference data: the rural population recorded per area and year, the latest and every figure. */
export class ReferenceProjection implements Projection {
  readonly name: string;
  readonly filter = { streamPrefixes: [AREA_STREAM_PREFIX] };
  /** `population`: the latest figure per area and year; `populationHistory`: every figure, by when it was recorded. */
  readonly tables: { population: string; populationHistory: string };

  constructor(readonly version = 1) {
    this.name = `reference_v${version}`;
    this.tables = {
      population: `rm_area_population_v${version}`,
      populationHistory: `rm_area_population_history_v${version}`,
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
        throw new Error(`event ${e.id} at ${e.position}: unknown area event type ${e.type}`);
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
}
