import { z } from 'zod';
import { nationalIdCheckChar } from './national-id.js';

export { birthDateOfNationalId, nationalIdCheckChar, sexOfNationalId } from './national-id.js';

/**
 * The calendar dates the registry holds. Births go back to 1900; nothing is dated after 2099.
 * Every date the write side accepts lies in this range, so the read models (PostgreSQL
 * `date` columns, which have no year 0) can hold it.
 */
export const DATE_RANGE = { earliest: '1900-01-01', latest: '2099-12-31' } as const;

/**
 * When the registry's history starts: 建档立卡 began in 2014. No command or event takes
 * effect earlier (births and other facts about people may).
 */
export const REGISTRY_START = '2014-01-01';

/** A calendar date `YYYY-MM-DD` that exists (no 2019-02-30), between 1900 and 2099. Business dates are days, not instants. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a date that exists in the calendar')
  .refine(
    (d) => !isCalendarDate(d) || (d >= DATE_RANGE.earliest && d <= DATE_RANGE.latest),
    `must lie between ${DATE_RANGE.earliest} and ${DATE_RANGE.latest}`,
  );
export type IsoDate = z.infer<typeof IsoDate>;

/**
 * The business date a command or event takes effect: a date from the registry's start on.
 * Whether it lies in the future is decided where the time is known (the command handler).
 */
export const EffectiveDate = IsoDate.refine(
  // One complaint per date: one before 1900 is already refused for that.
  (d) => !isCalendarDate(d) || d < DATE_RANGE.earliest || d >= REGISTRY_START,
  `must be on or after ${REGISTRY_START}, when the registry's history starts (建档立卡)`,
);

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Why a text cannot be stored as it is, or undefined when it can: no control characters but
 * tab and line breaks (NUL cannot be stored at all), and no lone UTF-16 surrogates (they are
 * not Unicode; encoders silently replace them).
 */
export function textProblem(value: string): string | undefined {
  if (!value.isWellFormed()) return 'must be valid Unicode text (it contains a lone UTF-16 surrogate)';
  const control = CONTROL_CHARACTER.exec(value);
  if (control) {
    const code = (control[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');
    return `must not contain control characters (found U+${code})`;
  }
  return undefined;
}

/** For `superRefine` on a string: refuses what `textProblem` refuses. */
export function checkText(value: string, ctx: z.RefinementCtx): void {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

/** A string checked by `textProblem`. Every free text a command or event carries is one. */
export const PlainText = z.string().superRefine(checkText);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether YYYY-MM-DD names a day that exists (leap years counted). Arithmetic only: it runs for every date of every event read. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/** The calendar date in China (UTC+8, no daylight saving) at an instant: "today" for the registry's clerks. */
export function chinaDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** Adds days to a calendar date, in UTC so no time zone moves it. */
export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const Uuid = z.uuid('must be a UUID');

/** Client-chosen id of a command: the same id twice is handled once. */
export const CommandId = PlainText.min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters');

/** Money in fen (1 yuan = 100 fen), never a float. */
export const Fen = z
  .number('must be a number of fen')
  .int('must be a whole number of fen (1 yuan = 100 fen)')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER);
export type Fen = z.infer<typeof Fen>;

export const Year = z.number().int('must be a whole year').min(2000, 'must be 2000 or later').max(2100);

/**
 * 12-digit statistical area code: 6 digits county, 3 township, 3 village. A village code
 * has non-zero township and village parts.
 */
export const AreaCode = z
  .string()
  .regex(/^\d{12}$/, 'must be a 12-digit statistical area code')
  .refine(
    (code) => code.slice(6, 9) !== '000' || code.slice(9) === '000',
    'must not name a village without its township (township part 000, village part not)',
  );
export const VillageCode = AreaCode.refine(
  (code) => code.slice(6, 9) !== '000' && code.slice(9) !== '000',
  'must be a village-level code (township and village parts not 000)',
);

/** An area's name as people write it (临海镇, 新东村). */
export const AreaName = PlainText.min(1, 'must not be empty').max(40, 'must be at most 40 characters');

/** The levels a 12-digit statistical area code can name. */
export type AreaLevel = 'province' | 'city' | 'county' | 'township' | 'village';

const AREA_SEGMENTS: readonly [AreaLevel, number][] = [
  ['province', 2],
  ['city', 4],
  ['county', 6],
  ['township', 9],
  ['village', 12],
];

/**
 * The significant prefix of an area code: province 2 digits, city 4, county 6, township 9,
 * village 12 (the zeros below the level named dropped). An area contains the codes that
 * start with its prefix.
 */
export function areaPrefix(code: string): string {
  for (const [, length] of AREA_SEGMENTS) {
    if (/^0*$/.test(code.slice(length))) return code.slice(0, length);
  }
  return code;
}

/** The level a 12-digit code names. */
export function areaLevelOf(code: string): AreaLevel {
  const length = areaPrefix(code).length;
  return (AREA_SEGMENTS.find(([, l]) => l === length) as [AreaLevel, number])[0];
}

/** Whether `code` (any area or village) lies within `area`. */
export const withinArea = (area: string, code: string): boolean => code.startsWith(areaPrefix(area));

export const countyOf = (code: string): string => `${code.slice(0, 6)}000000`;
export const townshipOf = (code: string): string => `${code.slice(0, 9)}000`;
export const provinceOf = (code: string): string => code.slice(0, 2);

/** 18-character resident identity number: area, birth date, sequence, check character. PII. */
export const NationalId = z
  .string()
  .regex(/^\d{17}[\dX]$/, 'must be 18 characters: 17 digits and a digit or X')
  .refine(
    (id) => {
      const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
      return isCalendarDate(birth) && birth >= DATE_RANGE.earliest && birth <= DATE_RANGE.latest;
    },
    { message: `must contain a real birth date (${DATE_RANGE.earliest} to ${DATE_RANGE.latest}) in characters 7-14` },
  )
  .refine((id) => nationalIdCheckChar(id.slice(0, 17)) === id[17], { message: 'has a wrong check character' });

/** Masks an ID number for roles that may not see it: area and check remain. */
export const maskNationalId = (id: string): string =>
  `${id.slice(0, 6)}********${id.slice(14, 17).replace(/./g, '*')}${id[17]}`;
