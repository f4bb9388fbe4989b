import { createHash } from 'node:crypto';
import { areaLevelOf, chinaDate, type Duty, textProblem } from '@registry/schema';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Request, Response } from 'express';
import type { Viewer } from '../auth.js';
import type { ApiDeps } from '../graphql/context.js';

/** A roll file read into header and rows of text, with what identifies it. */
export interface RollFile {
  name: string;
  sha256: string;
  headers: string[];
  /** Each data row's cells as text; `line` is the row's number as a spreadsheet shows it (header = 1). */
  rows: { line: number; cells: string[] }[];
}

/** A file that cannot be read as a table at all (not CSV, a broken workbook). */
export class UnreadableFile extends Error {
  constructor(
    readonly zh: string,
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableFile';
  }
}

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * The file of a batch endpoint (roll import, comparison, a department's screening), once the
 * caller is a clerk of a level the policy in force today lets record `duty`; otherwise 403
 * with `refused` (Chinese) and why (English), or the upload's own 400/413, and undefined.
 */
export async function uploadForDuty(
  deps: Pick<ApiDeps, 'policies'>,
  viewer: Viewer,
  req: Request,
  res: Response,
  options: {
    duty: Duty;
    /** The Chinese refusal, or one written from the levels allowed. */
    refused: string | ((allowed: readonly string[] | undefined) => string);
    what: string;
    missing: { zh: string; en: string };
  },
): Promise<RollFile | undefined> {
  const level = viewer.scope === null ? 'province' : areaLevelOf(viewer.scope);
  const allowed = (await deps.policies.timeline()).at(chinaDate(new Date())).dutyLevels?.[options.duty];
  if (viewer.role !== 'clerk' || (allowed && !allowed.includes(level))) {
    res.status(403).json({
      code: 'FORBIDDEN',
      zh: typeof options.refused === 'string' ? options.refused : options.refused(allowed),
      en: `${options.what} is a ${allowed?.join(' or ') ?? ''} clerk's duty; you are a ${level} ${viewer.role}`,
    });
    return undefined;
  }
  return receiveUpload(req, res, options.missing);
}

/**
 * An uploaded file (`POST …?name=<file name>` with the file as the body), read; or undefined
 * when the answer (400) has been sent: no body (`missing` says what to send), a name that
 * cannot be stored with the events it brings (a control character, longer than 500), or a
 * file that is no table. For the roll import and the agency comparison alike.
 */
export async function receiveUpload(
  req: Request,
  res: Response,
  missing: { zh: string; en: string },
): Promise<RollFile | undefined> {
  const body = req.body as unknown;
  if (!Buffer.isBuffer(body) || body.length === 0) {
    res.status(400).json({ code: 'BAD_REQUEST', ...missing });
    return undefined;
  }
  const name = typeof req.query.name === 'string' && req.query.name.trim() ? req.query.name.trim() : 'upload';
  const problem = textProblem(name);
  if (problem || name.length > 500) {
    res.status(400).json({
      code: 'BAD_REQUEST',
      zh: '文件名含有无法保存的字符或过长',
      en: `name: ${problem ?? 'must be at most 500 characters'}`,
    });
    return undefined;
  }
  try {
    return await readRoll(name, body);
  } catch (error) {
    if (!(error instanceof UnreadableFile)) throw error;
    res.status(400).json({ code: 'UNREADABLE_FILE', zh: error.zh, en: error.message });
    return undefined;
  }
}

/** Reads a CSV (UTF-8, with or without BOM) or an Excel workbook's first sheet, told apart by content. */
export async function readRoll(name: string, bytes: Buffer): Promise<RollFile> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const table = bytes.subarray(0, 4).equals(XLSX_MAGIC) ? await readXlsx(bytes) : readCsv(bytes);
  const [headers = [], ...rest] = table;
  const rows = rest
    .map((cells, i) => ({ line: i + 2, cells }))
    .filter((r) => r.cells.some((cell) => cell.trim() !== ''));
  return { name, sha256, headers: headers.map((h) => h.trim()), rows };
}

function readCsv(bytes: Buffer): string[][] {
  try {
    return parse(bytes, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (error) {
    throw new UnreadableFile('文件无法按 CSV 读取', `the file cannot be read as CSV: ${(error as Error).message}`);
  }
}

async function readXlsx(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    throw new UnreadableFile('Excel 文件无法读取', `the workbook cannot be read: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnreadableFile('Excel 文件没有工作表', 'the workbook has no sheet');
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    table[number - 1] = Array.from(cells, (v) => v ?? '');
  });
  return Array.from(table, (r) => r ?? []);
}

/**
 * A cell as text. Dates are calendar dates (Excel keeps them without a zone); numbers as
 * written, so an ID number typed as a number shows its lost digits and is refused by its rule.
 */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}
