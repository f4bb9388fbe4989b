import type { ReadRecord } from '@registry/eventstore/log';
import { textProblem } from '@registry/schema';
import { FIELD_LABELS } from '@registry/schema/messages';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Request, Response } from 'express';
import { Forbidden, requireRole, type Viewer } from './auth.js';
import type { ApiDeps } from './graphql/context.js';
import { readQueryOf } from './graphql/read-access.js';
import { toInstant } from './instant.js';
import { type ReadQuery, readRecords } from './read-access.js';
import { codedBody, refusalBody } from './read-ledger.js';

/** The most reads one file holds: a period longer than that is exported in parts. */
export const MAX_EXPORTED_READS = 100_000;

const COLUMNS: { header: string; width: number; value: (r: ReadRecord) => string | number }[] = [
  { header: '序号', width: 8, value: (r) => r.seq },
  { header: '查询时间', width: 24, value: (r) => r.readAt },
  { header: '查询人', width: 16, value: (r) => r.actor },
  { header: '角色', width: 10, value: (r) => r.role },
  { header: '单位', width: 18, value: (r) => r.unit },
  { header: '权限范围', width: 14, value: (r) => r.scope ?? '全部' },
  { header: '操作', width: 28, value: (r) => r.operation },
  { header: '用途', width: 20, value: (r) => r.purpose ?? '' },
  { header: '户数', width: 8, value: (r) => r.households.length },
  { header: '字段', width: 24, value: (r) => r.fields.map((f) => FIELD_LABELS[f]?.zh ?? f).join('、') },
  { header: '户ID', width: 40, value: (r) => r.households.join(' ') },
  { header: '记录哈希', width: 66, value: (r) => r.hash.toString('hex') },
];

class BadRequest extends Error {}

function filterOf(req: Request): ReadQuery {
  const q = req.query as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = q[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new BadRequest(`${name}: must be given once, as text`);
    const problem = textProblem(value);
    if (problem) throw new BadRequest(`${name}: ${problem}`);
    return value;
  };
  const instant = (name: string) => {
    const value = text(name);
    if (value === undefined) return null;
    const parsed = toInstant(value);
    if ('problem' in parsed) throw new BadRequest(`${name}: ${parsed.problem}`);
    return parsed.iso;
  };
  try {
    return readQueryOf({
      actorId: text('actorId') ?? null,
      householdId: text('householdId') ?? null,
      from: instant('from'),
      to: instant('to'),
    });
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    // The GraphQL filter's refusal names filter.<field>: here it is the parameter.
    throw new BadRequest(error instanceof Error ? error.message.replace(/^filter\./, '') : String(error));
  }
}

/**
 * GET /export/reads: the record of reads of personal data for admins, filtered as `readAccess`
 * (actorId, householdId, from, to), oldest first: `format=xlsx` (Chinese headers) or `csv`.
 */
export async function exportReads(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  let filter: ReadQuery;
  let format: string;
  try {
    requireRole(viewer, ['admin'], 'export the record of reads of personal data');
    filter = filterOf(req);
    format = typeof req.query.format === 'string' ? req.query.format : 'xlsx';
    if (format !== 'csv' && format !== 'xlsx') throw new BadRequest('format: must be csv or xlsx');
  } catch (error) {
    if (error instanceof BadRequest) res.status(400).json(refusalBody(error.message, req));
    else if (error instanceof Forbidden) res.status(403).json(codedBody('FORBIDDEN', error.message, req));
    else throw error;
    return;
  }
  const rows = await readRecords(deps.pool, filter, { limit: MAX_EXPORTED_READS + 1, ascending: true });
  if (rows.length > MAX_EXPORTED_READS) {
    res.status(400).json(refusalBody(`to: more than ${MAX_EXPORTED_READS} reads match: export a shorter period`, req));
    return;
  }
  const name = `reads-${new Date().toISOString().slice(0, 10)}`;
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
    res.send(
      `\uFEFF${stringify(
        rows.map((r) => COLUMNS.map((c) => c.value(r))),
        { header: true, columns: COLUMNS.map((c) => c.header) },
      )}`,
    );
    return;
  }
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true });
  const sheet = workbook.addWorksheet('个人信息查询记录', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const r of rows) sheet.addRow(COLUMNS.map((c) => c.value(r))).commit();
  sheet.commit();
  await workbook.commit();
}
