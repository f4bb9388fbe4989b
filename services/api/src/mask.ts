import { maskNationalId } from '@registry/schema';

/** Keeps the first 3 and last 2 digits of a phone number: 138******21. */
export function maskPhone(phone: string): string {
  if (phone.length <= 5) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 5)}${phone.slice(-2)}`;
}

/** Keeps the last 4 digits of an account. */
export function maskBankAccount(account: string): string {
  return `${'*'.repeat(Math.max(0, account.length - 4))}${account.slice(-4)}`;
}

/** Keeps the first character (the surname, usually): 张三丰 → 张**. */
export function maskName(name: string): string {
  const characters = [...name];
  return characters.length <= 1 ? '*' : `${characters[0]}${'*'.repeat(characters.length - 1)}`;
}

/** Keeps the year of a date of birth: with the month and day beside a masked ID number, only a few dozen numbers fit. */
export function maskBirthDate(date: string): string {
  return `${date.slice(0, 4)}-**-**`;
}

const MASKS: Record<string, (value: string) => string> = {
  nationalId: maskNationalId,
  phone: maskPhone,
  bankAccount: maskBankAccount,
};

/** Fields masked only in a person's record (one with an ID number): a helper's name is public (结对帮扶 is posted). */
const PERSON_MASKS: Record<string, (value: string) => string> = {
  name: maskName,
  birthDate: maskBirthDate,
};

/**
 * A copy of `value` with every national ID number, phone and bank account masked, and each
 * person's name and date of birth, wherever they sit (event data, states, corrections'
 * replacement data, audit changes). For assessors.
 */
export function maskPersonalData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskPersonalData) as T;
  if (value === null || typeof value !== 'object') return value;
  const person = 'nationalId' in value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const mask = MASKS[key] ?? (person ? PERSON_MASKS[key] : undefined);
    out[key] = mask && typeof v === 'string' ? mask(v) : maskPersonalData(v);
  }
  return out as T;
}

const PERSON_FIELDS = ['name', 'birthDate'] as const;
const ANYWHERE_FIELDS = ['nationalId', 'phone', 'bankAccount'] as const;

/**
 * Which personal fields `value` carries unmasked, wherever they sit (the fields
 * `maskPersonalData` masks): for the record of reads.
 */
export function personalFieldsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) personalFieldsIn(v, found);
    return found;
  }
  if (value === null || typeof value !== 'object') return found;
  const record = value as Record<string, unknown>;
  const person = 'nationalId' in record;
  for (const key of ANYWHERE_FIELDS) if (typeof record[key] === 'string' && record[key]) found.add(key);
  if (person) for (const key of PERSON_FIELDS) if (typeof record[key] === 'string' && record[key]) found.add(key);
  for (const v of Object.values(record)) if (v !== null && typeof v === 'object') personalFieldsIn(v, found);
  return found;
}
