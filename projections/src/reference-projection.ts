import type { RecordedEvent } from '@registry/eventstore';
import { migrate } from '@registry/postgres';
import { AREA_STREAM_PREFIX, AreaEvents } from '@registry/schema';
import type pg from 'pg';
import { referenceTables } from './migrations.js';
import type { Projection } from './runner.js';

/** Area reference data: the latest rural population recorded per area and year. */
export class ReferenceProjection implements Projection {
  readonly name: string;
  readonly filter = { streamPrefixes: [AREA_STREAM_PREFIX] };
  readonly tables: { population: string };

  constructor(readonly version = 1) {
    this.name = `reference_v${version}`;
    this.tables = { population: `rm_area_population_v${version}` };
  }

  async setUp(pool: pg.Pool): Promise<void> {
    await migrate(pool, this.name, referenceTables(this.version));
  }

  async apply(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
    const latest = new Map<string, Record<string, unknown>>();
    for (const e of events) {
      if (e.type !== AreaEvents.RuralPopulationRecorded.type) {
        throw new Error(`event ${e.id} at ${e.position}: unknown area event type ${e.type}`);
      }
      const data = AreaEvents.RuralPopulationRecorded.schema.parse(e.data);
      latest.set(`${data.areaCode}:${data.year}`, {
        area_code: data.areaCode,
        year: data.year,
        population: data.population,
        recorded_at: e.recordedAt,
        position: e.position,
      });
    }
    await tx.query(
      `INSERT INTO ${this.tables.population} SELECT * FROM jsonb_populate_recordset(NULL::${this.tables.population}, $1::jsonb)
       ON CONFLICT (area_code, year) DO UPDATE SET population = EXCLUDED.population, recorded_at = EXCLUDED.recorded_at, position = EXCLUDED.position`,
      [JSON.stringify([...latest.values()])],
    );
  }
}
