import { claimHead, claimStream, deriveId } from '@registry/registry';
import { areaLevelOf, chinaDate, NationalId, textProblem } from '@registry/schema';
import type { Request, Response } from 'express';
import { type Viewer, withinScope } from './auth.js';
import type { ApiDeps } from './graphql/context.js';
import type { Problem } from './import/check.js';
import { enumValue } from './import/columns.js';
import { type RollFile, uploadForDuty } from './import/read.js';

/**
 * 数据比对 in batches: `POST /comparison?name=<file>` with an agency's file (CSV or .xlsx) of ID
 * numbers and findings. The file is checked whole first (every bad cell named by row and
 * column, in Chinese and English, and nothing written); then each row is matched to the open
 * household that holds the ID number (its claim: one person, one open household) and recorded
 * there (`RecordAgencyFinding`, under a command id derived from the file and row, so sending
 * the file again writes nothing new). Rows whose person is in no open household, or in one
 * outside the clerk's area, are reported, not recorded. A county's duty (data comparison).
 */

const COLUMNS = {
  nationalId: ['身份证号', 'nationalid'],
  agency: ['比对部门', 'agency'],
  detail: ['比对结果', 'detail'],
  disqualifying: ['是否不符合条件', 'disqualifying'],
} as const;
type Key = keyof typeof COLUMNS;
const YES = new Set(['是', 'yes', 'true', '1', 'y']);
const NO = new Set(['否', 'no', 'false', '0', 'n', '']);

interface Row {
  line: number;
  nationalId: string;
  agency: string;
  detail: string;
  disqualifying: boolean;
}

export interface ComparisonOutcome {
  rows: number;
  recorded: number;
  unchanged: number;
  disqualifying: number;
  /** Rows whose person is in no open household. */
  unmatched: number[];
  /** Rows whose person's household is outside the clerk's area (not named). */
  outside: number[];
  problems: Problem[];
}

function check(file: RollFile): { rows: Row[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const index = {} as Record<Key, number>;
  for (const key of Object.keys(COLUMNS) as Key[]) {
    const i = file.headers.findIndex(
      (h) => (COLUMNS[key] as readonly string[]).includes(h.trim().toLowerCase()) || h.trim() === COLUMNS[key][0],
    );
    if (i < 0 && key !== 'disqualifying') {
      problems.push({
        line: 1,
        column: COLUMNS[key][0],
        zh: `缺少“${COLUMNS[key][0]}”列`,
        en: `the column ${COLUMNS[key][1]} is missing`,
      });
    }
    index[key] = i;
  }
  if (problems.length > 0) return { rows: [], problems };
  const rows: Row[] = [];
  for (const { line, cells } of file.rows) {
    const cell = (key: Key) => (index[key] < 0 ? '' : (cells[index[key]] ?? '').trim());
    const bad = (key: Key, zh: string, en: string) => problems.push({ line, column: COLUMNS[key][0], zh, en });
    const id = cell('nationalId').toUpperCase();
    if (!NationalId.safeParse(id).success)
      bad('nationalId', `身份证号“${id}”不是有效的18位号码`, `“${id}” is not a valid 18-character ID number`);
    const agency = enumValue('ComparisonAgency', cell('agency'));
    if (!agency) bad('agency', `“${cell('agency')}”不是可选的比对部门`, `“${cell('agency')}” is not an agency`);
    const detail = cell('detail');
    const unstorable = textProblem(detail);
    if (detail === '' || detail.length > 500)
      bad('detail', '比对结果不能为空，且不超过500字', 'the finding must be 1 to 500 characters');
    // Caught here, not by the command halfway through the file: nothing is written for a bad file.
    else if (unstorable) bad('detail', '比对结果含有无法保存的字符（控制字符）', `the finding ${unstorable}`);
    const flag = cell('disqualifying').toLowerCase();
    if (!YES.has(flag) && !NO.has(flag)) bad('disqualifying', `“${flag}”应填“是”或“否”`, `“${flag}” must be yes or no`);
    rows.push({ line, nationalId: id, agency: agency ?? '', detail, disqualifying: YES.has(flag) });
  }
  return { rows, problems };
}

export async function compareBatch(
  deps: Pick<ApiDeps, 'eventStore' | 'handler' | 'policies'>,
  viewer: Viewer,
  file: RollFile,
  now = new Date(),
): Promise<ComparisonOutcome> {
  const { rows, problems } = check(file);
  const outcome: ComparisonOutcome = {
    rows: file.rows.length,
    recorded: 0,
    unchanged: 0,
    disqualifying: 0,
    unmatched: [],
    outside: [],
    problems,
  };
  if (problems.length > 0) return outcome;
  const streams = await deps.eventStore.readStreams(rows.map((r) => claimStream('person', r.nationalId)));
  const level = viewer.scope === null ? 'province' : areaLevelOf(viewer.scope);
  for (const row of rows) {
    const holder = claimHead(streams.get(claimStream('person', row.nationalId)) ?? []).holder;
    if (!holder) {
      outcome.unmatched.push(row.line);
      continue;
    }
    const command = deps.handler.parse(
      {
        commandId: deriveId(`comparison:${file.sha256}`, String(row.line)),
        householdId: holder,
        effectiveAt: chinaDate(now),
      },
      'RecordAgencyFinding',
      {
        finding: { agency: row.agency, detail: row.detail, disqualifying: row.disqualifying },
        source: { fileSha256: file.sha256, fileName: file.name, rows: [row.line] },
      },
    );
    let inArea = true;
    try {
      const result = await deps.handler.run(command, viewer.actor, {
        level,
        guard: (state) => {
          const village = state.household?.villageCode;
          if (village && !withinScope(viewer.scope, village)) {
            inArea = false;
            throw new OutsideArea();
          }
        },
      });
      if (result.duplicate) outcome.unchanged++;
      else outcome.recorded++;
      if (row.disqualifying) outcome.disqualifying++;
    } catch (error) {
      if (!(error instanceof OutsideArea) || inArea) throw error;
      outcome.outside.push(row.line);
    }
  }
  return outcome;
}

class OutsideArea extends Error {}

export async function comparisonHttp(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  const file = await uploadForDuty(deps, viewer, req, res, {
    duty: 'data_comparison',
    refused: '数据比对由县级扶贫专干办理',
    what: 'data comparison',
    missing: { zh: '请上传比对文件（CSV 或 Excel）', en: 'send the agency file as the body' },
  });
  if (!file) return;
  const outcome = await compareBatch(deps, viewer, file);
  res.status(outcome.problems.length > 0 ? 422 : 200).json(outcome);
}
