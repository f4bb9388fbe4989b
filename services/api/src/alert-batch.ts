import { closedHouseholdsOf } from '@registry/projections';
import { claimHead, claimStream, deriveId, RuleViolation, ValidationError } from '@registry/registry';
import { areaLevelOf, chinaDate, NationalId, textProblem } from '@registry/schema';
import { ENUM_LABELS, refusalText } from '@registry/schema/messages';
import type { Request, Response } from 'express';
import { type Viewer, withinScope } from './auth.js';
import type { ApiDeps } from './graphql/context.js';
import type { Problem } from './import/check.js';
import { enumValue } from './import/columns.js';
import { type RollFile, uploadForDuty } from './import/read.js';

/**
 * 部门筛查预警 in batches: `POST /alert-batch?name=<file>` with a department's file (CSV or
 * .xlsx; the 医保, 民政, 应急, 教育, 人社, 住建, 水利 or 残联 screening), one row per person at risk:
 * ID number, department, indicator, amount, risks, what was found, and the date it came to
 * light. Each row becomes a 风险预警 (`RaiseRiskAlert`, channel `department`) on the household
 * that holds the ID number (its claim: one person, one open household) or, for a person in no
 * open household, on the closed one on file that names them (rejected at review or removed:
 * the read model's members), on its village's queue with the policy's deadlines.
 *
 * All or nothing: the file is checked whole first (every bad cell named by row and column, in
 * Chinese and English); then every row's command is decided against its household as it
 * stands, without writing (a rule's refusal named by row, in Chinese: a household that is
 * gone, a date before the regime); only when every row passes is anything written, each row
 * under a command id derived from the file and row, so the same file sent again writes nothing
 * new. Rows whose person is in no household on file, or in one outside the clerk's
 * area, are reported by row and not recorded: recording a person not yet on file as a new
 * household at risk is the village's verification, not the department's list.
 *
 * Between the check and the write another clerk may change a household so that its row is
 * refused then; the rows before it are written and the answer names the row. Sending the file
 * again (once mended) writes the rest: the rows written are duplicates.
 */

const COLUMNS = {
  nationalId: ['身份证号', 'nationalid'],
  department: ['预警部门', 'department'],
  indicator: ['预警指标', 'indicator'],
  amount: ['金额（元）', 'amountyuan'],
  risks: ['风险类型', 'risks'],
  detail: ['风险情况', 'detail'],
  raisedOn: ['发现日期', 'raisedon'],
} as const;
type Key = keyof typeof COLUMNS;
const OPTIONAL: ReadonlySet<Key> = new Set(['amount', 'raisedOn']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface Row {
  line: number;
  nationalId: string;
  department: string;
  indicator: string;
  amountFen?: number;
  risks: string[];
  detail: string;
  raisedOn: string;
}

export interface AlertBatchOutcome {
  rows: number;
  /** Alerts written now. */
  recorded: number;
  /** Rows written by an earlier upload of the same file. */
  unchanged: number;
  /** Rows whose person is in no open household: not on file. */
  unmatched: number[];
  /** Rows whose person's household is outside the clerk's area (not named). */
  outside: number[];
  problems: Problem[];
}

/**
 * A department by its code, its label (医保部门), or as offices write it: without 部门, or as
 * the bureau (医保局, 民政局, 应急管理局, 应急).
 */
function departmentOf(name: string): string | undefined {
  const exact = enumValue('AlertDepartment', name);
  if (exact) return exact;
  const short = name.trim().replace(/(部门|局)$/, '');
  if (short.length < 2) return undefined;
  return Object.entries(ENUM_LABELS.AlertDepartment).find(([, label]) =>
    label.zh.replace(/部门$/, '').startsWith(short),
  )?.[0];
}

/** The header's column, by its Chinese name (with or without the unit) or its English one. */
function columnOf(headers: readonly string[], key: Key): number {
  const [zh, en] = COLUMNS[key];
  const bare = zh.replace(/（.*）$/, '');
  return headers.findIndex((h) => {
    const t = h.trim();
    return t === zh || t === bare || t.toLowerCase().replace(/[\s_]/g, '') === en;
  });
}

function check(file: RollFile, today: string): { rows: Row[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const index = {} as Record<Key, number>;
  for (const key of Object.keys(COLUMNS) as Key[]) {
    index[key] = columnOf(file.headers, key);
    if (index[key] < 0 && !OPTIONAL.has(key)) {
      problems.push({
        line: 1,
        column: COLUMNS[key][0],
        zh: `缺少“${COLUMNS[key][0]}”列`,
        en: `the column ${COLUMNS[key][1]} is missing`,
      });
    }
  }
  if (problems.length > 0) return { rows: [], problems };
  if (file.rows.length === 0) {
    return { rows: [], problems: [{ line: 1, column: '', zh: '文件中没有数据行', en: 'the file has no rows' }] };
  }
  const rows: Row[] = [];
  for (const { line, cells } of file.rows) {
    const cell = (key: Key) => (index[key] < 0 ? '' : (cells[index[key]] ?? '').trim());
    const bad = (key: Key, zh: string, en: string) => problems.push({ line, column: COLUMNS[key][0], zh, en });
    const text = (key: Key, label: string, max: number) => {
      const value = cell(key);
      const unstorable = textProblem(value);
      if (value === '' || value.length > max)
        bad(key, `${label}不能为空，且不超过${max}字`, `must be 1 to ${max} characters`);
      // Caught here, not by the command halfway through the file: nothing is written for a bad file.
      else if (unstorable) bad(key, `${label}含有无法保存的字符（控制字符）`, `the text ${unstorable}`);
      return value;
    };
    const id = cell('nationalId').toUpperCase();
    if (!NationalId.safeParse(id).success)
      bad('nationalId', `身份证号“${id}”不是有效的18位号码`, `“${id}” is not a valid 18-character ID number`);
    const department = departmentOf(cell('department'));
    if (!department)
      bad(
        'department',
        `“${cell('department')}”不是可选的预警部门（医保、民政、应急管理、教育、人社、住建、水利部门或残联）`,
        `“${cell('department')}” is not a department`,
      );
    const indicator = text('indicator', '预警指标', 200);
    const amount = cell('amount');
    if (amount !== '' && !/^\d+(\.\d{1,2})?$/.test(amount))
      bad(
        'amount',
        `“${amount}”须为金额（元，最多两位小数）`,
        `“${amount}” must be an amount in yuan, at most 2 decimals`,
      );
    const risks: string[] = [];
    const named = cell('risks')
      .split(/[、,，;；/]/)
      .map((r) => r.trim())
      .filter(Boolean);
    for (const name of named) {
      const risk = enumValue('RiskType', name);
      if (risk) risks.push(risk);
      else bad('risks', `“${name}”不是可选的风险类型（如因病、因学、因残、因灾）`, `“${name}” is not a risk type`);
    }
    if (named.length === 0) bad('risks', '风险类型不能为空', 'must name at least one risk');
    const detail = text('detail', '风险情况', 2000);
    const raisedOn = cell('raisedOn') || today;
    if (!DATE.test(raisedOn) || Number.isNaN(Date.parse(raisedOn)))
      bad('raisedOn', `“${raisedOn}”须为日期（YYYY-MM-DD）`, `“${raisedOn}” must be a date YYYY-MM-DD`);
    else if (raisedOn > today)
      bad('raisedOn', `发现日期不能晚于今天（${today}）`, `must not be after today (${today})`);
    rows.push({
      line,
      nationalId: id,
      department: department ?? '',
      indicator,
      ...(amount !== '' ? { amountFen: Math.round(Number(amount) * 100) } : {}),
      risks: [...new Set(risks)],
      detail,
      raisedOn,
    });
  }
  return { rows, problems };
}

/** Thrown by the dry run's guard once a row's command was decided: nothing is appended. */
class Decided extends Error {}
class OutsideArea extends Error {}

export async function alertBatch(
  deps: Pick<ApiDeps, 'eventStore' | 'handler' | 'pool' | 'projections'>,
  viewer: Viewer,
  file: RollFile,
  now = new Date(),
): Promise<AlertBatchOutcome> {
  const today = chinaDate(now);
  const { rows, problems } = check(file, today);
  const outcome: AlertBatchOutcome = {
    rows: file.rows.length,
    recorded: 0,
    unchanged: 0,
    unmatched: [],
    outside: [],
    problems,
  };
  if (problems.length > 0) return outcome;
  const streams = await deps.eventStore.readStreams(rows.map((r) => claimStream('person', r.nationalId)));
  const level = viewer.scope === null ? 'province' : areaLevelOf(viewer.scope);
  const holderOf = (row: Row) => claimHead(streams.get(claimStream('person', row.nationalId)) ?? []).holder;
  // A person in no open household may still be on file in a closed one (turned down before).
  const closed = await closedHouseholdsOf(
    deps.pool,
    deps.projections.registry,
    rows.filter((r) => !holderOf(r)).map((r) => r.nationalId),
  );
  const matched = [];
  for (const row of rows) {
    const holder = holderOf(row) ?? closed.get(row.nationalId);
    if (!holder) outcome.unmatched.push(row.line);
    else matched.push({ row, holder });
  }
  const commandOf = (row: Row, householdId: string) =>
    deps.handler.parse(
      {
        commandId: deriveId(`alert-batch:${file.sha256}`, String(row.line)),
        householdId,
        effectiveAt: row.raisedOn,
      },
      'RaiseRiskAlert',
      {
        channel: 'department',
        department: row.department,
        indicator: row.indicator,
        ...(row.amountFen !== undefined ? { amountFen: row.amountFen } : {}),
        risks: row.risks,
        detail: row.detail,
        reference: `${file.name}#${row.line}`.slice(-100),
      },
    );
  const inArea = (state: { household?: { villageCode: string } }) => {
    const village = state.household?.villageCode;
    if (village && !withinScope(viewer.scope, village)) throw new OutsideArea();
  };
  const refused = (row: Row, error: unknown): Problem | undefined => {
    if (error instanceof RuleViolation) {
      const text = (language: 'zh' | 'en') =>
        refusalText({ code: error.rule, facts: error.facts, detail: error.message }, language);
      return { line: row.line, column: COLUMNS.raisedOn[0], zh: text('zh'), en: text('en') };
    }
    if (error instanceof ValidationError) {
      const issues = error.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return { line: row.line, column: '', zh: `不符合规则：${issues}`, en: issues };
    }
    return undefined;
  };

  // Every row decided against its household as it stands, nothing written.
  const writable: typeof matched = [];
  for (const m of matched) {
    try {
      await deps.handler.run(commandOf(m.row, m.holder), viewer.actor, {
        level,
        guard: (state, _command, moment) => {
          inArea(state);
          if (moment === 'after') throw new Decided();
        },
      });
      writable.push(m); // written before: a duplicate answers without deciding again
    } catch (error) {
      if (error instanceof Decided) writable.push(m);
      else if (error instanceof OutsideArea) outcome.outside.push(m.row.line);
      else {
        const problem = refused(m.row, error);
        if (!problem) throw error;
        outcome.problems.push(problem);
      }
    }
  }
  if (outcome.problems.length > 0) return outcome;

  for (const { row, holder } of writable) {
    try {
      const result = await deps.handler.run(commandOf(row, holder), viewer.actor, {
        level,
        guard: (state) => inArea(state),
      });
      if (result.duplicate) outcome.unchanged++;
      else outcome.recorded++;
    } catch (error) {
      const problem = refused(row, error);
      if (!problem) throw error;
      outcome.problems.push(problem);
      return outcome;
    }
  }
  return outcome;
}

export async function alertBatchHttp(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  const file = await uploadForDuty(deps, viewer, req, res, {
    duty: 'risk_alert',
    refused: '部门筛查预警由扶贫专干上传',
    what: "uploading a department's screening",
    missing: { zh: '请上传部门筛查预警文件（CSV 或 Excel）', en: 'send the department file as the body' },
  });
  if (!file) return;
  const outcome = await alertBatch(deps, viewer, file);
  res.status(outcome.problems.length > 0 ? 422 : 200).json(outcome);
}
