import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SPECIAL = /[\\\n\r\t]/;

/** One field in COPY's text format: \N for null, JSON for objects, backslash escapes. */
export function copyField(value: unknown): string {
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

/** Rows to append with COPY, already encoded: building them is the client's work, sending them the server's. */
export interface CopyPayload {
  table: string;
  columns: readonly string[];
  data: Buffer;
  rows: number;
}

/**
 * Encodes rows in COPY's text format. `columns` names the table's columns and each row's
 * keys. Done up front and synchronously, so a writer can queue every statement of a batch
 * at once and the server works through them while the client folds the next batch.
 */
export function copyPayload(
  table: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): CopyPayload {
  const lines = new CopyLines();
  for (const row of rows) {
    let line = copyField(row[columns[0] as string]);
    for (let i = 1; i < columns.length; i++) line += `\t${copyField(row[columns[i] as string])}`;
    lines.add(line);
  }
  return lines.payload(table, columns);
}

/**
 * Lines in COPY's text format, encoded into one growing buffer as they come: concatenating
 * every line into one string first (and encoding that) cost twice as much.
 */
export class CopyLines {
  private data = Buffer.allocUnsafe(64 * 1024);
  private length = 0;
  private count = 0;

  /** One row: its fields already in COPY's text format (see `copyField`), tab-separated. */
  add(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const room = (line.length + 1) * 3;
    if (this.length + room > this.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.length + room));
      this.data.copy(grown, 0, 0, this.length);
      this.data = grown;
    }
    this.length += this.data.write(line, this.length);
    this.data[this.length++] = 0x0a;
    this.count++;
  }

  payload(table: string, columns: readonly string[]): CopyPayload {
    return { table, columns, data: this.data.subarray(0, this.length), rows: this.count };
  }
}

/** Appends the payload's rows with COPY FROM STDIN: far cheaper for PostgreSQL than a JSON parameter. */
export async function copyIn(tx: pg.PoolClient, payload: CopyPayload): Promise<void> {
  if (payload.rows === 0) return;
  await pipeline(
    Readable.from([payload.data]),
    tx.query(copyFrom(`COPY ${payload.table} (${payload.columns.join(', ')}) FROM STDIN`)),
  );
}
