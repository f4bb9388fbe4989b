import { describe, expect, it } from 'vitest';
import { isoFromUtcText } from '../src/postgres/store.js';

describe('recording times read from PostgreSQL', () => {
  it.each([
    ['2019-03-02 08:00:00', '2019-03-02T08:00:00.000Z'],
    ['2019-03-02 08:00:00.5', '2019-03-02T08:00:00.500Z'],
    ['2019-03-02 08:00:00.123', '2019-03-02T08:00:00.123Z'],
    ['2019-03-02 08:00:00.123456', '2019-03-02T08:00:00.123Z'],
  ])('turns UTC timestamp text %s into the ISO form Date.toISOString gives', (text, iso) => {
    expect(isoFromUtcText(text)).toBe(iso);
    expect(new Date(`${text.replace(' ', 'T')}Z`).toISOString()).toBe(iso);
  });
});
