import { ENUM_LABELS, type EnumName } from '@registry/schema/messages';

/**
 * The columns of a roll file (one row per person; a household's rows share its 户编号), by
 * their Chinese header as county offices keep them, or the English one. Household columns
 * repeat on each of its rows and must agree.
 */
export interface Column {
  key: ColumnKey;
  zh: string;
  en: string;
  /** Household columns are the household's, repeated on each of its rows. */
  household: boolean;
  required: boolean | 'exited';
  /** Values by code or by their Chinese or English label. */
  enum?: EnumName;
}

export type ColumnKey =
  | 'household'
  | 'villageCode'
  | 'group'
  | 'address'
  | 'phone'
  | 'cardNumber'
  | 'registeredOn'
  | 'attribute'
  | 'mainCause'
  | 'status'
  | 'exitYear'
  | 'exitedOn'
  | 'incomeYuan'
  | 'name'
  | 'nationalId'
  | 'relation'
  | 'health'
  | 'disabilityGrade'
  | 'labourCapacity'
  | 'schooling';

const c = (
  key: ColumnKey,
  zh: string,
  en: string,
  household: boolean,
  required: Column['required'],
  enumName?: EnumName,
): Column => ({ key, zh, en, household, required, ...(enumName ? { enum: enumName } : {}) });

export const COLUMNS: readonly Column[] = [
  c('household', '户编号', 'household', true, true),
  c('villageCode', '村代码', 'village_code', true, true),
  c('group', '村民小组', 'group', true, false),
  c('address', '地址', 'address', true, true),
  c('phone', '联系电话', 'phone', true, false),
  c('cardNumber', '卡号', 'card_number', true, true),
  c('registeredOn', '建档日期', 'registered_on', true, true),
  c('attribute', '贫困户属性', 'attribute', true, true, 'HouseholdAttribute'),
  c('mainCause', '主要致贫原因', 'main_cause', true, true, 'PovertyCause'),
  c('status', '状态', 'status', true, true),
  c('exitYear', '脱贫年度', 'exit_year', true, 'exited'),
  c('exitedOn', '脱贫日期', 'exited_on', true, 'exited'),
  c('incomeYuan', '人均纯收入（元）', 'income_yuan', true, 'exited'),
  c('name', '姓名', 'name', false, true),
  c('nationalId', '身份证号', 'national_id', false, true),
  c('relation', '与户主关系', 'relation', false, true, 'Relation'),
  c('health', '健康状况', 'health', false, false, 'Health'),
  c('disabilityGrade', '残疾等级', 'disability_grade', false, false),
  c('labourCapacity', '劳动能力', 'labour_capacity', false, false, 'LabourCapacity'),
  c('schooling', '在校情况', 'schooling', false, false, 'Schooling'),
];

/** The statuses a roll may give: on the roll, or exited. */
export const STATUSES: Record<string, 'registered' | 'exited'> = {
  registered: 'registered',
  建档立卡: 'registered',
  未脱贫: 'registered',
  exited: 'exited',
  已脱贫: 'exited',
};

/** The column a header names (trimmed; Chinese or English, any case), if any. */
export function columnOf(header: string): Column | undefined {
  const h = header.trim().toLowerCase();
  return COLUMNS.find((col) => col.zh === header.trim() || col.en === h);
}

/** An enum value by its code or either label; undefined when none matches. */
export function enumValue(name: EnumName, value: string): string | undefined {
  const labels = ENUM_LABELS[name] as Record<string, { zh: string; en: string }>;
  const v = value.trim();
  if (Object.hasOwn(labels, v)) return v;
  return Object.entries(labels).find(([, l]) => l.zh === v || l.en.toLowerCase() === v.toLowerCase())?.[0];
}
