/**
 * The resident identity number's own arithmetic (GB 11643): no imports, so the console checks a
 * number as it is typed with the same code the API checks it with.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Check character of an 18-character resident ID number (GB 11643, ISO 7064 MOD 11-2). */
export function nationalIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] as number);
  return ID_CHECK[sum % 11] as string;
}

export const birthDateOfNationalId = (id: string): string =>
  `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
/** The 17th character is odd for men, even for women. */
export const sexOfNationalId = (id: string): 'male' | 'female' => (Number(id[16]) % 2 === 1 ? 'male' : 'female');

/**
 * What is wrong with an ID number as typed so far, if anything: its form, the birth date it
 * holds, or its check character (then the one it should have).
 */
export function nationalIdProblem(
  id: string,
): undefined | { problem: 'form' } | { problem: 'birth_date' } | { problem: 'check'; expected: string } {
  if (!/^\d{17}[\dX]$/.test(id)) return { problem: 'form' };
  const birth = birthDateOfNationalId(id);
  const date = new Date(`${birth}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== birth || birth < '1900-01-01') {
    return { problem: 'birth_date' };
  }
  const expected = nationalIdCheckChar(id.slice(0, 17));
  return expected === id[17] ? undefined : { problem: 'check', expected };
}
