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

const MASKS: Record<string, (value: string) => string> = {
  nationalId: maskNationalId,
  phone: maskPhone,
  bankAccount: maskBankAccount,
};

/**
 * A copy of `value` with every national ID number, phone and bank account masked, wherever
 * it sits (event data, states, corrections' replacement data). For assessors.
 */
export function maskPersonalData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskPersonalData) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const mask = MASKS[key];
    out[key] = mask && typeof v === 'string' ? mask(v) : maskPersonalData(v);
  }
  return out as T;
}
