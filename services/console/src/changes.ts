import { type EnumName, enumLabel, fieldLabel } from '@registry/schema/messages';

/** Which catalogue labels a field's values, by the field's name. */
const FIELD_ENUMS: Record<string, EnumName> = {
  status: 'HouseholdStatus',
  attribute: 'HouseholdAttribute',
  mainCause: 'PovertyCause',
  otherCauses: 'PovertyCause',
  sex: 'Sex',
  relation: 'Relation',
  health: 'Health',
  labourCapacity: 'LabourCapacity',
  schooling: 'Schooling',
  category: 'AssistanceCategory',
  fundingSource: 'FundingSource',
  risks: 'RiskType',
  channel: 'AlertChannel',
  department: 'AlertDepartment',
  outcome: 'AlertOutcome',
  agency: 'ComparisonAgency',
  joinReason: 'MemberJoinReason',
  leaveReason: 'MemberLeaveReason',
  verdict: 'Verdict',
};

/** Fields whose name means one thing under one parent and another under another. */
const PAIRED_LABELS: Record<string, { zh: string; en: string }> = {
  'conditions.basicMedical': { zh: '基本医疗有保障', en: 'basic medical care' },
  'insurance.basicMedical': { zh: '基本医疗保险', en: 'basic medical insurance' },
  'insurance.seriousIllness': { zh: '大病保险', en: 'serious-illness insurance' },
  'insurance.pension': { zh: '养老保险', en: 'pension insurance' },
};

/** Ids the trail keeps for machines; a reader has the row's household and event already. */
const HIDDEN = new Set([
  'householdId',
  'memberId',
  'measureId',
  'alertId',
  'eventId',
  'helperId',
  'visitId',
  'noticeId',
  'assessmentId',
  'correctedEventId',
]);

/**
 * An event's recorded fields as lines a clerk reads: 主要致贫原因：因病, 第1位成员的姓名：王建国;
 * enum values by their labels, amounts in yuan, yes/no in words. Personal data arrives masked for
 * the roles that must not see it (the API masks it). A correction reads as what it changed,
 * before → after (地址：一组1号 → 一组2号), where it kept what stood before.
 */
export function changeLines(
  changes: unknown,
  language: 'zh' | 'en',
  yuan: (fen: number) => string,
): { label: string; value: string }[] {
  const correction = changes as {
    correctedEventId?: string;
    action?: string;
    previousData?: unknown;
    replacementData?: unknown;
  } | null;
  if (correction?.correctedEventId && correction.previousData !== undefined) {
    const before = fieldLines(correction.previousData, language, yuan);
    if (correction.action === 'void') {
      // What was voided, as it stood.
      const voided = { label: language === 'zh' ? '更正' : 'correction', value: language === 'zh' ? '作废' : 'voided' };
      return [voided, ...before];
    }
    const was = new Map(before.map((l) => [l.label, l.value]));
    const now = new Map(fieldLines(correction.replacementData ?? {}, language, yuan).map((l) => [l.label, l.value]));
    return [...new Set([...was.keys(), ...now.keys()])]
      .filter((label) => was.get(label) !== now.get(label))
      .map((label) => ({ label, value: `${was.get(label) ?? '—'} → ${now.get(label) ?? '—'}` }));
  }
  return fieldLines(changes, language, yuan);
}

function fieldLines(
  changes: unknown,
  language: 'zh' | 'en',
  yuan: (fen: number) => string,
): { label: string; value: string }[] {
  const lines: { label: string; value: string }[] = [];
  const yes = language === 'zh' ? '是' : 'yes';
  const no = language === 'zh' ? '否' : 'no';
  const show = (key: string, value: unknown): string => {
    const name = FIELD_ENUMS[key];
    if (typeof value === 'boolean') return value ? yes : no;
    if (typeof value === 'number') return /Fen$/.test(key) ? yuan(value) : String(value);
    if (typeof value === 'string') return name ? enumLabel(name, value, language) : value;
    if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
      return value.map((v) => show(key, v)).join(language === 'zh' ? '、' : ', ') || '—';
    }
    return JSON.stringify(value);
  };
  const walk = (value: unknown, path: string[]) => {
    const key = path.at(-1) ?? '';
    if (HIDDEN.has(key)) return;
    if (value === null || value === undefined) return;
    if (Array.isArray(value) && value.some((v) => typeof v === 'object' && v !== null)) {
      value.forEach((item, index) => {
        walk(item, [...path, String(index)]);
      });
      return;
    }
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      return;
    }
    const paired = PAIRED_LABELS[path.slice(-2).join('.')];
    const label = paired ? paired[language] : fieldLabel(path.join('.'), language);
    lines.push({ label, value: show(key, value) });
  };
  walk(changes, []);
  return lines;
}
