import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type RawSnapshotHousehold, snapshotSql } from '@registry/projections';
import { AreaCode, IsoDate, maskNationalId, textProblem } from '@registry/schema';
import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import QueryStream from 'pg-query-stream';
import { Forbidden, requireArea, type Viewer } from './auth.js';
import type { ApiDeps } from './graphql/context.js';
import { toInstant } from './instant.js';
import { maskName } from './mask.js';

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

function parameters(
  req: Request,
  now: string,
): { areaCode: string; effectiveOn: string; knownAt: string; format: 'csv' | 'jsonl' } {
  const q = req.query as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = q[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new BadRequest(`${name}: must be given once, as text`);
    const problem = textProblem(value);
    if (problem) throw new BadRequest(`${name}: ${problem}`);
    return value;
  };
  const areaCode = AreaCode.safeParse(text('areaCode'));
  if (!areaCode.success) throw new BadRequest(`areaCode: ${areaCode.error.issues[0]?.message}`);
  const effectiveOn = IsoDate.safeParse(text('effectiveOn'));
  if (!effectiveOn.success) throw new BadRequest(`effectiveOn: ${effectiveOn.error.issues[0]?.message}`);
  let knownAt = now;
  const knownAtText = text('knownAt');
  if (knownAtText !== undefined) {
    const instant = toInstant(knownAtText);
    if ('problem' in instant) throw new BadRequest(`knownAt: ${instant.problem}`);
    knownAt = instant.iso;
    if (knownAt > now) {
      throw new BadRequest(
        `knownAt: must not be after now (${now}): the registry cannot answer for what it does not know yet`,
      );
    }
  }
  const format = text('format') ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new BadRequest('format: must be csv or jsonl');
  return { areaCode: areaCode.data, effectiveOn: effectiveOn.data, knownAt, format };
}

/**
 * GET /export/snapshot: `registrySnapshot` streamed as CSV or JSON lines, row by row from a
 * server-side cursor, so a whole county never sits in memory. ID numbers masked for assessors.
 */
export async function exportSnapshot(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  let query: ReturnType<typeof parameters>;
  try {
    query = parameters(req, new Date().toISOString());
    requireArea(viewer, query.areaCode, `area ${query.areaCode}`);
  } catch (error) {
    if (error instanceof BadRequest) res.status(400).json({ error: error.message });
    else if (error instanceof Forbidden) res.status(403).json({ error: error.message });
    else throw error;
    return;
  }
  const sql = snapshotSql(deps.projections.registry, query);
  // Failing to connect is the database being away: the app's error handler answers 503.
  const client = await deps.pool.connect();
  try {
    const rows = client.query(new QueryStream(sql.text, sql.values, { batchSize: 1000 }));
    const mask = new Transform({
      objectMode: true,
      transform(row: RawSnapshotHousehold, _encoding, done) {
        done(
          null,
          viewer.masked
            ? {
                ...row,
                head_national_id: row.head_national_id && maskNationalId(row.head_national_id),
                head_name: row.head_name && maskName(row.head_name),
              }
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
    if (res.headersSent) res.destroy(error as Error);
    else throw error;
  }
}
