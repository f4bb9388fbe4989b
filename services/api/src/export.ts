import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { areaLevel, type RawSnapshotHousehold, snapshotSql } from '@registry/projections';
import { IsoDate, maskNationalId } from '@registry/schema';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import QueryStream from 'pg-query-stream';
import { Forbidden, requireArea, type Viewer } from './auth.js';
import type { ApiDeps } from './graphql/context.js';

const COLUMNS: (keyof RawSnapshotHousehold)[] = [
  'household_id',
  'village_code',
  'status',
  'attribute',
  'monitoring_category',
  'member_count',
  'card_number',
  'head_name',
  'head_national_id',
];

class BadRequest extends Error {}

function parameters(req: Request): { areaCode: string; effectiveOn: string; knownAt: string; format: 'csv' | 'jsonl' } {
  const q = req.query as Record<string, string | undefined>;
  const areaCode = q.areaCode ?? '';
  try {
    areaLevel(areaCode);
  } catch (error) {
    throw new BadRequest(`areaCode: ${(error as Error).message}`);
  }
  const effectiveOn = IsoDate.safeParse(q.effectiveOn);
  if (!effectiveOn.success) throw new BadRequest(`effectiveOn: ${effectiveOn.error.issues[0]?.message}`);
  const knownAt = q.knownAt ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(knownAt))) throw new BadRequest('knownAt: must be an ISO 8601 instant');
  const format = q.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new BadRequest('format: must be csv or jsonl');
  return { areaCode, effectiveOn: effectiveOn.data, knownAt: new Date(knownAt).toISOString(), format };
}

/**
 * GET /export/snapshot: `registrySnapshot` streamed as CSV or JSON lines, row by row from a
 * server-side cursor, so a whole county never sits in memory. ID numbers masked for assessors.
 */
export async function exportSnapshot(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  let query: ReturnType<typeof parameters>;
  try {
    query = parameters(req);
    requireArea(viewer, query.areaCode, `area ${query.areaCode}`);
  } catch (error) {
    if (error instanceof BadRequest) res.status(400).json({ error: error.message });
    else if (error instanceof Forbidden) res.status(403).json({ error: error.message });
    else throw error;
    return;
  }
  const sql = snapshotSql(deps.projections.registry, query);
  const client = await deps.pool.connect();
  try {
    const rows = client.query(new QueryStream(sql.text, sql.values, { batchSize: 1000 }));
    const mask = new Transform({
      objectMode: true,
      transform(row: RawSnapshotHousehold, _encoding, done) {
        done(
          null,
          viewer.masked && row.head_national_id
            ? { ...row, head_national_id: maskNationalId(row.head_national_id) }
            : row,
        );
      },
    });
    const name = `registry-${query.areaCode}-${query.effectiveOn}`;
    res.setHeader('X-Known-At', query.knownAt);
    if (query.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      await pipeline(rows, mask, stringify({ header: true, columns: COLUMNS }), res);
    } else {
      res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.jsonl"`);
      const lines = new Transform({
        writableObjectMode: true,
        transform(row: RawSnapshotHousehold, _encoding, done) {
          done(null, `${JSON.stringify(row)}\n`);
        },
      });
      await pipeline(rows, mask, lines, res);
    }
    client.release();
  } catch (error) {
    // A broken stream leaves the connection mid-query: do not return it to the pool.
    client.release(error as Error);
    if (!res.headersSent) res.status(500).json({ error: 'export failed' });
    else res.destroy(error as Error);
  }
}
