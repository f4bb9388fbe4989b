import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type RawSnapshotHousehold, snapshotSql } from '@registry/projections';
import { AreaCode, IsoDate, maskNationalId, textProblem, townshipOf } from '@registry/schema';
import { type EnumName, enumLabel } from '@registry/schema/messages';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Request, Response } from 'express';
import QueryStream from 'pg-query-stream';
import { Forbidden, requireArea, type Viewer } from './auth.js';
import type { ApiDeps } from './graphql/context.js';
import { toInstant } from './instant.js';
import { maskName } from './mask.js';
import {
  codedBody,
  notRecordedBody,
  PURPOSE_RULE,
  purposeOf,
  recordRead,
  refusalBody,
  validPurpose,
} from './read-ledger.js';

/**
 * The office's columns (CSV and .xlsx): Chinese headers, statuses and categories by their
 * labels, codes in their own columns; the household's id last, for matching files up later.
 */
type NamedRow = RawSnapshotHousehold & { township_name?: string; village_name?: string };
const OFFICE_COLUMNS: { header: string; width: number; value: (r: NamedRow) => string | number }[] = [
  { header: '卡号', width: 22, value: (r) => r.card_number ?? '' },
  { header: '户主姓名', width: 10, value: (r) => r.head_name ?? '' },
  { header: '户主身份证号', width: 21, value: (r) => r.head_national_id ?? '' },
  { header: '乡镇', width: 12, value: (r) => r.township_name ?? '' },
  { header: '行政村', width: 12, value: (r) => r.village_name ?? '' },
  { header: '行政村代码', width: 15, value: (r) => r.village_code ?? '' },
  { header: '状态', width: 10, value: (r) => label('HouseholdStatus', r.status) },
  { header: '贫困户属性', width: 12, value: (r) => label('HouseholdAttribute', r.attribute) },
  { header: '监测对象类型', width: 14, value: (r) => label('MonitoringCategory', r.monitoring_category) },
  { header: '家庭人口', width: 9, value: (r) => Number(r.member_count) },
  { header: '户ID', width: 38, value: (r) => r.household_id },
];

const label = (name: EnumName, value: string | null) => (value ? enumLabel(name, value, 'zh') : '');

class BadRequest extends Error {}

function parameters(
  req: Request,
  now: string,
): {
  areaCode: string;
  effectiveOn: string;
  knownAt: string;
  format: 'csv' | 'xlsx' | 'jsonl';
  purpose: string | undefined;
} {
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
  if (format !== 'csv' && format !== 'xlsx' && format !== 'jsonl') {
    throw new BadRequest('format: must be csv, xlsx or jsonl');
  }
  const purpose = purposeOf(text('purpose'));
  return { areaCode: areaCode.data, effectiveOn: effectiveOn.data, knownAt, format, purpose };
}

/**
 * GET /export/snapshot: `registrySnapshot` streamed row by row from a server-side cursor, so a
 * whole county never sits in memory. ID numbers and names masked for assessors; anyone else
 * states a `purpose`, and the households whose heads' names and ID numbers the file carries are
 * recorded (with it) before the first byte is sent, read in the same snapshot as the file.
 *
 * - `format=xlsx`: the office's file (Chinese headers, labels, ID numbers as text, so Excel
 *   keeps all 18 characters), written by exceljs's streaming writer;
 * - `format=csv` (default): the same columns as CSV in UTF-8 with a byte-order mark, so Excel on
 *   Chinese Windows reads the Chinese (opened in Excel a CSV's long numbers still turn to
 *   scientific notation: the .xlsx is the office's file);
 * - `format=jsonl`: one JSON object per household with the stored codes, for machines.
 */
export async function exportSnapshot(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  let query: ReturnType<typeof parameters>;
  try {
    query = parameters(req, new Date().toISOString());
    requireArea(viewer, query.areaCode, `area ${query.areaCode}`);
    if (!viewer.masked && !validPurpose(query.purpose)) throw new BadRequest(`purpose: ${PURPOSE_RULE}`);
  } catch (error) {
    if (error instanceof BadRequest) res.status(400).json(refusalBody(error.message, req));
    else if (error instanceof Forbidden) res.status(403).json(codedBody('FORBIDDEN', error.message, req));
    else throw error;
    return;
  }
  const sql = snapshotSql(deps.projections.registry, query);
  // Failing to connect is the database being away: the app's error handler answers 503.
  const client = await deps.pool.connect();
  try {
    // One snapshot for the record and the file: the households recorded are those sent.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (!viewer.masked) {
      const personal = await client.query<{ household_id: string }>(
        `SELECT household_id FROM (${sql.text}) s WHERE head_name IS NOT NULL OR head_national_id IS NOT NULL`,
        sql.values,
      );
      const recorded = await recordRead(deps, viewer, {
        operation: `GET /export/snapshot ${query.areaCode} ${query.format}`,
        purpose: query.purpose ?? null,
        households: personal.rows.map((r) => r.household_id),
        fields: ['name', 'nationalId'],
      });
      if (!recorded) {
        await client.query('ROLLBACK');
        client.release();
        res.status(503).set('Retry-After', '5').json(notRecordedBody(req));
        return;
      }
    }
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
    // The village and its township by name as of the snapshot's date and known-at time, each
    // code looked up once.
    const asOf = { effectiveOn: query.effectiveOn, knownAt: query.knownAt };
    const looked = new Map<string, Promise<string | undefined>>();
    const nameOf = (code: string) => {
      let found = looked.get(code);
      if (!found) {
        found = deps.names.areas([code], asOf).then((m) => m.get(code)?.name);
        looked.set(code, found);
      }
      return found;
    };
    const named = new Transform({
      objectMode: true,
      transform(row: RawSnapshotHousehold, _encoding, done) {
        const village = row.village_code;
        if (!village) return done(null, row);
        Promise.all([nameOf(townshipOf(village)), nameOf(village)]).then(
          ([township_name, village_name]) => done(null, { ...row, township_name, village_name }),
          (error: Error) => done(error),
        );
      },
    });
    const name = `registry-${query.areaCode}-${query.effectiveOn}`;
    res.setHeader('X-Known-At', query.knownAt);
    if (query.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      res.write('\uFEFF');
      const office = new Transform({
        objectMode: true,
        transform(row: NamedRow, _encoding, done) {
          done(
            null,
            OFFICE_COLUMNS.map((c) => c.value(row)),
          );
        },
      });
      await pipeline(
        rows,
        mask,
        named,
        office,
        stringify({ header: true, columns: OFFICE_COLUMNS.map((c) => c.header) }),
        res,
      );
    } else if (query.format === 'xlsx') {
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true });
      const sheet = workbook.addWorksheet('时点名册', { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = OFFICE_COLUMNS.map((c) => ({ header: c.header, width: c.width }));
      sheet.getRow(1).font = { bold: true };
      sheet.getRow(1).commit();
      const masked = rows.pipe(mask).pipe(named);
      rows.on('error', (error) => masked.destroy(error));
      mask.on('error', (error) => masked.destroy(error));
      for await (const row of masked) {
        // An empty value is an empty cell, not an empty string.
        sheet.addRow(OFFICE_COLUMNS.map((c) => c.value(row as NamedRow)).map((v) => (v === '' ? null : v))).commit();
      }
      sheet.commit();
      await workbook.commit();
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
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    // A broken stream leaves the connection mid-query: do not return it to the pool.
    client.release(error as Error);
    if (res.headersSent) res.destroy(error as Error);
    else throw error;
  }
}
