import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SPECIAL = /[\\\n\r\t]/;

/** One field in COPY's text format: \N for null, JSON for objects, backslash escapes. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') text = value ? 't' : 'f';
  else if (typeof value === 'number') return String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    text = `{${value.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  } else text = JSON.stringify(value);
  return SPECIAL.test(text)
    ? text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'))
    : text;
}

/**
 * Appends rows with COPY FROM STDIN (text format): far cheaper for PostgreSQL than turning a
 * JSON parameter into records. `columns` names the table's columns and each row's keys.
 */
export async function copyRows(
  tx: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  let text = '';
  for (const row of rows) {
    text += columns.map((c) => field(row[c])).join('\t');
    text += '\n';
  }
  await pipeline(Readable.from([text]), tx.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}
