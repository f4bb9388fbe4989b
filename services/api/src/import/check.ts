import {
  DomainError,
  decide,
  deriveId,
  evolve,
  initialState,
  type PolicyTimeline,
  parseCommand,
  policyOn,
  RuleViolation,
  ValidationError,
} from '@registry/registry';
import {
  birthDateOfNationalId,
  type HouseholdCommand,
  type Member,
  type Policy,
  sexOfNationalId,
} from '@registry/schema';
import { nationalIdProblem } from '@registry/schema/national-id';
import { COLUMNS, type Column, type ColumnKey, columnOf, enumValue, STATUSES } from './columns.js';
import type { RollFile } from './read.js';

/** A problem with a file: the row (as a spreadsheet numbers it), the column (its header) and the rule, in both languages. */
export interface Problem {
  line: number;
  column: string;
  zh: string;
  en: string;
}

export interface CheckOptions {
  /** The recorded policy versions (each household's steps read the one in force on their dates), or one policy. */
  policy: Policy | PolicyTimeline;
  /** Whether the importer's area covers a village. */
  canSee: (village: string) => boolean;
  /** Today, to refuse dates after it. */
  now: Date;
}

/** A household of the file, checked and decided: the commands that bring it in. */
export interface PlannedHousehold {
  key: string;
  householdId: string;
  lines: number[];
  villageCode: string;
  import: { commandId: string; effectiveAt: string; data: unknown };
  exit?: { commandId: string; effectiveAt: string; data: unknown };
  /** Where each key of the household came from, to name it if the registry already has it. */
  keys: { kind: 'person' | 'card'; value: string; line: number; column: string }[];
}

type Row = { line: number; values: Partial<Record<ColumnKey, string>> };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const header = (file: Map<ColumnKey, string>, key: ColumnKey) =>
  file.get(key) ?? (COLUMNS.find((c) => c.key === key) as Column).zh;

/**
 * Checks a roll file on its own: every row, column and rule; the rows of a household agree;
 * no ID number or card number twice; each household as the deciders would take it (the same
 * rules as a clerk's commands, an exit's income against the year's line). Nothing is read
 * from or written to the registry here.
 */
export function checkRoll(
  file: RollFile,
  options: CheckOptions,
): { households: PlannedHousehold[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (line: number, column: string, zh: string, en: string) => problems.push({ line, column, zh, en });
  const headers = new Map<ColumnKey, string>();
  const index: (Column | undefined)[] = file.headers.map((h) => columnOf(h));
  index.forEach((col, i) => {
    if (!col) problem(1, file.headers[i] ?? '', '无法识别的列名', 'not a column of the roll');
    else if (headers.has(col.key)) problem(1, file.headers[i] ?? '', '列名重复', 'the column appears twice');
    else headers.set(col.key, file.headers[i] ?? col.zh);
  });
  for (const col of COLUMNS) {
    if (col.required === true && !headers.has(col.key))
      problem(1, col.zh, '缺少必填列', 'a required column is missing');
  }
  if (problems.length > 0) return { households: [], problems };
  if (file.rows.length === 0)
    return { households: [], problems: [{ line: 2, column: '', zh: '文件没有数据行', en: 'the file has no rows' }] };

  const groups = new Map<string, Row[]>();
  for (const { line, cells } of file.rows) {
    const values: Row['values'] = {};
    index.forEach((col, i) => {
      if (col) values[col.key] = (cells[i] ?? '').trim();
    });
    const exited = STATUSES[values.status ?? ''] === 'exited';
    for (const col of COLUMNS) {
      const value = values[col.key] ?? '';
      const at = header(headers, col.key);
      if (value === '') {
        if (col.required === true || (col.required === 'exited' && exited)) {
          problem(
            line,
            at,
            col.required === true ? '必填' : '已脱贫户必填',
            col.required === true ? 'is required' : 'is required for an exited household',
          );
        }
        continue;
      }
      if (col.enum) {
        const code = enumValue(col.enum, value);
        if (code === undefined) problem(line, at, `“${value}”不是可选的值`, `"${value}" is not one of the values`);
        else values[col.key] = code;
      }
    }
    if (values.status && !STATUSES[values.status]) {
      problem(line, header(headers, 'status'), '状态须为“建档立卡”或“已脱贫”', 'must be registered or exited');
    }
    for (const key of ['registeredOn', 'exitedOn'] as const) {
      if (values[key] && !DATE.test(values[key] ?? ''))
        problem(line, header(headers, key), '日期格式须为 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
    }
    if (values.incomeYuan && !/^\d+(\.\d{1,2})?$/.test(values.incomeYuan)) {
      problem(
        line,
        header(headers, 'incomeYuan'),
        '须为金额（元，最多两位小数）',
        'must be an amount in yuan, at most 2 decimals',
      );
    }
    const id = (values.nationalId ?? '').toUpperCase();
    const idProblem = id ? nationalIdProblem(id) : undefined;
    if (idProblem) {
      const [zh, en] =
        idProblem.problem === 'check'
          ? [`校验码不对：应为 ${idProblem.expected}`, `wrong check character: should be ${idProblem.expected}`]
          : idProblem.problem === 'birth_date'
            ? ['出生日期不成立', 'holds no valid birth date']
            : [
                '须为18位（最后一位可为 X）；若为数字格式，请改为文本',
                'must be 18 characters (the last may be X); store it as text, not a number',
              ];
      problem(line, header(headers, 'nationalId'), zh, en);
    }
    values.nationalId = id;
    const key = values.household ?? '';
    groups.set(key, [...(groups.get(key) ?? []), { line, values }]);
  }

  const seenIds = new Map<string, number>();
  const seenCards = new Map<string, { key: string; line: number }>();
  const households: PlannedHousehold[] = [];
  for (const [key, rows] of groups) {
    const first = rows[0] as Row;
    for (const row of rows.slice(1)) {
      for (const col of COLUMNS.filter((c) => c.household)) {
        if ((row.values[col.key] ?? '') !== (first.values[col.key] ?? '')) {
          problem(
            row.line,
            header(headers, col.key),
            `与同户第 ${first.line} 行不一致`,
            `differs from row ${first.line} of the same household`,
          );
        }
      }
    }
    for (const row of rows) {
      const id = row.values.nationalId ?? '';
      const earlier = seenIds.get(id);
      if (id && earlier !== undefined)
        problem(
          row.line,
          header(headers, 'nationalId'),
          `与第 ${earlier} 行重复（一人只能在一户）`,
          `also on row ${earlier} (one person, one household)`,
        );
      else if (id) seenIds.set(id, row.line);
    }
    const card = (first.values.cardNumber ?? '').toUpperCase();
    const other = seenCards.get(card);
    if (card && other && other.key !== key)
      problem(
        first.line,
        header(headers, 'cardNumber'),
        `与第 ${other.line} 行的户卡号重复`,
        `the card number of the household on row ${other.line}`,
      );
    else if (card) seenCards.set(card, { key, line: first.line });
    const planned = plan(key, rows, headers, file, options, problem);
    if (planned) households.push(planned);
  }
  problems.sort((a, b) => a.line - b.line);
  return { households: problems.length > 0 ? [] : households, problems };
}

/** One household's commands, decided as the handler would decide them; its problems otherwise. */
function plan(
  key: string,
  rows: Row[],
  headers: Map<ColumnKey, string>,
  file: RollFile,
  options: CheckOptions,
  problem: (line: number, column: string, zh: string, en: string) => void,
): PlannedHousehold | undefined {
  const v = (rows[0] as Row).values;
  const line = (rows[0] as Row).line;
  const card = v.cardNumber ?? '';
  const householdId = deriveId('import', card.toUpperCase());
  const source = {
    fileSha256: file.sha256,
    fileName: file.name.slice(0, 500),
    rows: rows.map((r) => r.line).slice(0, 60),
  };
  const members: Member[] = rows.map((r) => {
    const id = r.values.nationalId ?? '';
    const grade = r.values.disabilityGrade ? Number(r.values.disabilityGrade) : undefined;
    return {
      memberId: deriveId(householdId, id),
      nationalId: id,
      name: r.values.name ?? '',
      sex: /^\d{17}[\dX]$/.test(id) ? sexOfNationalId(id) : 'male',
      birthDate: /^\d{17}[\dX]$/.test(id) ? birthDateOfNationalId(id) : '1900-01-01',
      relation: (r.values.relation ?? 'other') as Member['relation'],
      health: (r.values.health || 'healthy') as Member['health'],
      ...(grade !== undefined ? { disabilityGrade: grade as Member['disabilityGrade'] } : {}),
      labourCapacity: (r.values.labourCapacity || 'ordinary') as Member['labourCapacity'],
      schooling: (r.values.schooling || 'not_in_school') as Member['schooling'],
      insurance: { basicMedical: true, seriousIllness: false, pension: false },
    } as Member;
  });
  const data = {
    household: {
      villageCode: v.villageCode ?? '',
      address: v.address ?? '',
      ...(v.group ? { group: v.group } : {}),
      ...(v.phone ? { phone: v.phone } : {}),
    },
    members,
    cardNumber: card,
    attribute: v.attribute,
    mainCause: v.mainCause,
    otherCauses: [],
    source,
  };
  const registeredOn = v.registeredOn ?? '';
  const commandId = `import-${householdId}`;
  let parsedData: unknown;
  try {
    // As the handler parses a clerk's command: the data's rules and the effective date's range.
    const envelope = { commandId, householdId, effectiveAt: registeredOn };
    parsedData = parseCommand(envelope, 'ImportHousehold', data, options.now).command.data;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const issue of error.issues) {
      const [head, sub, index, field] = issue.path.split('.');
      if (head === 'effectiveAt') {
        problem(line, header(headers, 'registeredOn'), `不符合规则：${issue.message}`, issue.message);
        continue;
      }
      const at = sub === 'members' && index !== undefined ? (rows[Number(index)]?.line ?? line) : line;
      const name =
        sub === 'members' ? (field ?? 'nationalId') : sub === 'household' ? (index ?? 'address') : (sub ?? '');
      const column = FIELD_COLUMNS[name];
      problem(at, column ? header(headers, column) : issue.path, `不符合规则：${issue.message}`, issue.message);
    }
    return undefined;
  }
  if (!options.canSee(data.household.villageCode)) {
    problem(line, header(headers, 'villageCode'), '该村不在您的辖区内', 'the village is outside your area');
    return undefined;
  }
  const status = STATUSES[v.status ?? ''];
  try {
    const ctx = (id: string, effectiveAt: string) => ({
      commandId: id,
      householdId,
      effectiveAt,
      policy: policyOn(options.policy, effectiveAt),
      findEvent: () => undefined,
    });
    const command = { type: 'ImportHousehold', data: parsedData } as HouseholdCommand;
    let state = initialState();
    for (const e of decide(command, state, ctx(commandId, registeredOn)))
      state = evolve(state, { ...e, effectiveAt: registeredOn });
    const planned: PlannedHousehold = {
      key,
      householdId,
      lines: rows.map((r) => r.line),
      villageCode: data.household.villageCode,
      import: { commandId, effectiveAt: registeredOn, data: parsedData },
      keys: [
        { kind: 'card', value: card, line, column: header(headers, 'cardNumber') },
        ...rows.map((r) => ({
          kind: 'person' as const,
          value: r.values.nationalId ?? '',
          line: r.line,
          column: header(headers, 'nationalId'),
        })),
      ],
    };
    if (status === 'exited') {
      const exitId = `import-exit-${householdId}`;
      const exitedOn = v.exitedOn ?? '';
      // Parsed as the handler parses a clerk's command: a year or income that is no number, an
      // exit date after today or outside the registry's range, each named at its column.
      let exitData: unknown;
      try {
        const raw = { year: Number(v.exitYear), incomePerCapitaFen: Math.round(Number(v.incomeYuan) * 100), source };
        exitData = parseCommand(
          { commandId: exitId, householdId, effectiveAt: exitedOn },
          'ImportExit',
          raw,
          options.now,
        ).command.data;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const issue of error.issues) {
          const key: ColumnKey =
            issue.path === 'effectiveAt' ? 'exitedOn' : issue.path.endsWith('year') ? 'exitYear' : 'incomeYuan';
          problem(line, header(headers, key), `不符合规则：${issue.message}`, issue.message);
        }
        return undefined;
      }
      decide({ type: 'ImportExit', data: exitData } as HouseholdCommand, state, ctx(exitId, exitedOn));
      planned.exit = { commandId: exitId, effectiveAt: exitedOn, data: exitData };
    }
    return planned;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const column = error instanceof RuleViolation ? header(headers, 'incomeYuan') : header(headers, 'exitedOn');
    const zh =
      error instanceof RuleViolation
        ? '人均纯收入未高于当年脱贫标准，不能按已脱贫导入'
        : `日期不成立：${error.message}`;
    problem(
      line,
      error instanceof ValidationError && status !== 'exited' ? header(headers, 'registeredOn') : column,
      zh,
      error.message,
    );
    return undefined;
  }
}

/** The column a command field comes from, to name it in a problem. */
const FIELD_COLUMNS: Record<string, ColumnKey> = {
  villageCode: 'villageCode',
  address: 'address',
  group: 'group',
  phone: 'phone',
  cardNumber: 'cardNumber',
  attribute: 'attribute',
  mainCause: 'mainCause',
  nationalId: 'nationalId',
  name: 'name',
  relation: 'relation',
  health: 'health',
  disabilityGrade: 'disabilityGrade',
  labourCapacity: 'labourCapacity',
  schooling: 'schooling',
  birthDate: 'nationalId',
  sex: 'nationalId',
};
