import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duty, ExitStep, HOUSEHOLD_EVENT_TYPES, IdentificationStep } from '../src/index.js';
import {
  CASE_LABELS,
  DUTY_LABELS,
  ENUM_LABELS,
  EVENT_LABELS,
  formatDate,
  formatYuan,
  languageOf,
  REFUSAL_LABELS,
  refusalText,
  unmetCriterionText,
} from '../src/messages.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The values of each enum in the checked-in SDL. */
async function sdlEnums(): Promise<Map<string, string[]>> {
  const sdl = await readFile(path.join(ROOT, 'schema/registry.graphql'), 'utf8');
  const enums = new Map<string, string[]>();
  for (const match of sdl.matchAll(/^enum (\w+) \{\n([\s\S]*?)\n\}/gm)) {
    const values = (match[2] ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\w+$/.test(l));
    enums.set(match[1] as string, values);
  }
  return enums;
}

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return Promise.all(
    entries
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => readFile(path.join(e.parentPath, e.name), 'utf8')),
  );
}

describe('the shared message catalogue', () => {
  it('labels every value of every catalogued enum the API has, in both languages, and no value it lacks', async () => {
    const enums = await sdlEnums();
    for (const [name, labels] of Object.entries(ENUM_LABELS)) {
      const values = enums.get(name);
      expect(values, `enum ${name} in the SDL`).toBeDefined();
      expect(Object.keys(labels).sort(), name).toEqual([...(values ?? [])].sort());
      for (const [value, text] of Object.entries(labels)) {
        expect(text.zh, `${name}.${value}`).toMatch(/\p{Script=Han}/u);
        expect(text.en, `${name}.${value}`).not.toBe('');
      }
    }
  });

  it('names every household event type and every case step', () => {
    expect(Object.keys(EVENT_LABELS).sort()).toEqual([...HOUSEHOLD_EVENT_TYPES].sort());
    // The policy page names every step a level may be given.
    expect(Object.keys(DUTY_LABELS).sort()).toEqual([...Duty.options].sort());
    for (const step of [...IdentificationStep.options, ...ExitStep.options, 'identification', 'exit']) {
      expect(CASE_LABELS[step], step).toBeDefined();
    }
  });

  it('says every refusal code the rules use', async () => {
    const code = /(?:refuse|new RuleViolation)\(\s*'([A-Z_]+)'/g;
    const used = new Set<string>();
    for (const text of await sources(path.join(ROOT, 'services/registry/src'))) {
      for (const match of text.matchAll(code)) used.add(match[1] as string);
    }
    expect(used.size).toBeGreaterThan(20);
    for (const rule of used) expect(REFUSAL_LABELS[rule], rule).toBeDefined();
  });

  it('names the household that holds a refused ID or card number, or only "another area"', () => {
    const facts = {
      field: 'input.members.1.nationalId',
      householdId: 'h',
      villageCode: '320924101201',
      cardNumber: 'K-1',
    };
    expect(refusalText({ code: 'NATIONAL_ID_IN_OTHER_HOUSEHOLD', facts }, 'zh')).toBe(
      '该身份证号已在另一未销户的户中（一人只能在一户），请办理成员迁移：卡号 K-1，所在村 320924101201',
    );
    const hidden = { field: 'input.cardNumber', otherArea: true };
    expect(refusalText({ code: 'CARD_NUMBER_TAKEN', facts: hidden }, 'en')).toBe(
      'this card number was issued to another household: that household is outside your area',
    );
  });

  it('says by how much an exit misses the income line, in yuan, in Chinese and in English', () => {
    const facts = { year: 2019, incomePerCapitaFen: 350_000, incomeLineFen: 374_700 };
    expect(unmetCriterionText('income_above_line', facts, 'zh')).toBe(
      '人均纯收入高于当年标准：人均纯收入 3,500.00 元，当年标准 3,747.00 元，至少还差 247.01 元',
    );
    expect(unmetCriterionText('income_above_line', facts, 'en')).toContain('short by at least ¥247.01');
    expect(
      refusalText({ code: 'EXIT_CRITERIA_UNMET', unmetCriteria: ['income_above_line', 'safe_housing'], facts }, 'zh'),
    ).toBe(
      '未达到脱贫退出标准：人均纯收入高于当年标准：人均纯收入 3,500.00 元，当年标准 3,747.00 元，至少还差 247.01 元；住房安全有保障：未达到',
    );
    const notice = { code: 'NOTICE_PERIOD_NOT_OVER', detail: 'the notice runs until 2019-05-08' };
    expect(refusalText(notice, 'zh')).toBe('公示期未满');
    // With its facts, the details in Chinese too: no English line needed beneath.
    expect(refusalText({ ...notice, facts: { closesOn: '2019-05-08' } }, 'zh')).toBe(
      '公示期未满：公示至2019年5月8日，期满后方可结束公示',
    );
    expect(
      refusalText({ code: 'STATUS', facts: { status: 'exited', allowed: ['registered', 'returned'] } }, 'zh'),
    ).toMatch(/该户当前为“已脱贫”，须为“[^”]+”或“[^”]+”/);
    expect(refusalText({ code: 'OUT_OF_ORDER', facts: { expectedStep: 'township_review' } }, 'zh')).toContain(
      '当前环节为“乡镇审核”',
    );
    expect(refusalText(notice, 'en')).toBe('the notice runs until 2019-05-08');
    // Field rules in Chinese: the field's label for its path, the rule from the catalogue; no English, no input.* path.
    const invalid = {
      code: 'VALIDATION',
      issues: [
        { path: 'input.effectiveAt', message: 'must not be in the future (today is 2026-12-07, China Standard Time)' },
        { path: 'input.data.cardNumber', message: 'must be 4 to 40 letters, digits or -' },
        { path: 'input.data.members.1.nationalId', message: 'must be 18 characters: 17 digits and a digit or X' },
        { path: 'input.data.mainCause', message: 'Invalid option: expected one of "illness"|"disability"' },
        { path: 'input.data.detail', message: 'something no catalogue knows' },
      ],
    };
    const chinese = refusalText(invalid, 'zh');
    expect(chinese).toBe(
      '输入有误：生效日期：不能晚于今天（2026-12-07）；卡号：须为 4 至 40 位字母、数字或“-”；第2位成员的身份证号：须为 18 位：17 位数字加 1 位数字或 X；主要致贫原因：不是可选的值；情况说明：不符合填写规则',
    );
    expect(chinese).not.toMatch(/[a-z]{3,}/);
    expect(refusalText(invalid, 'en')).toContain('input.data.cardNumber: must be 4 to 40 letters, digits or -');
    expect(refusalText({ code: 'SOMETHING_NEW', detail: 'a detail' }, 'zh')).toBe('a detail');
  });

  it('writes money in yuan and dates as Chinese users write them', () => {
    expect(formatYuan(460_000, 'zh')).toBe('4,600.00 元');
    expect(formatYuan(5, 'en')).toBe('¥0.05');
    expect(formatDate('2019-12-01', 'zh')).toBe('2019年12月1日');
    expect(formatDate('2019-12-01', 'en')).toBe('2019-12-01');
  });

  it('answers in Chinese unless the caller prefers English', () => {
    expect(languageOf(undefined)).toBe('zh');
    expect(languageOf('')).toBe('zh');
    expect(languageOf('en-GB,en;q=0.9')).toBe('en');
    expect(languageOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(languageOf('en;q=0.5,zh-TW;q=0.8')).toBe('zh');
    expect(languageOf('fr-FR,en;q=0.7')).toBe('en');
    expect(languageOf('fr-FR')).toBe('zh');
    expect(languageOf('en;q=0,zh;q=0.1')).toBe('zh');
  });
});
