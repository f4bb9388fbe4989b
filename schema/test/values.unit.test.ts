import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AreaCode,
  addDays,
  CommandEnvelope,
  chinaDate,
  countyOf,
  createEventParser,
  EffectiveDate,
  EventMetadata,
  Fen,
  HOUSEHOLD_EVENT_TYPES,
  HouseholdEvents,
  IsoDate,
  incomeLineFor,
  maskNationalId,
  NATIONAL_POLICY,
  NationalId,
  PlainText,
  parseHouseholdEvent,
  textProblem,
  townshipOf,
  UnknownEvent,
  VillageCode,
} from '../src/index.js';

const message = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? 'valid' : result.error.issues[0]?.message;
};

describe('national ID numbers (GB 11643)', () => {
  it('accepts the standard’s own example and checks the check character', () => {
    expect(message(NationalId, '11010519491231002X')).toBe('valid');
    expect(message(NationalId, '110105194912310021')).toBe('has a wrong check character');
    expect(message(NationalId, '11010519491331002X')).toBe(
      'must contain a real birth date (1900-01-01 to 2099-12-31) in characters 7-14',
    );
    expect(message(NationalId, '1101051949123100')).toMatch(/18 characters/);
    expect(message(NationalId, '11010519491231002x')).toMatch(/18 characters/);
  });

  it('masks all but the area and the check character', () => {
    expect(maskNationalId('11010519491231002X')).toBe('110105***********X');
  });
});

describe('area codes', () => {
  it('takes 12 digits and derives county and township', () => {
    expect(message(AreaCode, '320924101201')).toBe('valid');
    expect(message(AreaCode, '32092410120')).toMatch(/12-digit/);
    expect(message(AreaCode, "32092410120'")).toMatch(/12-digit/);
    expect(message(AreaCode, '320924000201')).toBe(
      'must not name a village without its township (township part 000, village part not)',
    );
    expect(countyOf('320924101201')).toBe('320924000000');
    expect(townshipOf('320924101201')).toBe('320924101000');
  });
  it('requires village-level codes where a village is meant', () => {
    expect(message(VillageCode, '320924101000')).toMatch(/village-level/);
    expect(message(VillageCode, '320924000201')).toMatch(/village without its township/);
  });
});

describe('money and dates', () => {
  it('keeps money as whole fen', () => {
    expect(message(Fen, 400_000)).toBe('valid');
    expect(message(Fen, 4000.5)).toMatch(/whole number of fen/);
    expect(message(Fen, -1)).toMatch(/negative/);
    expect(message(Fen, '400000')).toMatch(/number of fen/);
  });
  it('takes only real calendar dates, and adds days across months', () => {
    expect(message(IsoDate, '2020-02-29')).toBe('valid');
    expect(message(IsoDate, '2019-02-29')).toMatch(/exists in the calendar/);
    expect(message(IsoDate, '2019-2-1')).toMatch(/YYYY-MM-DD/);
    expect(addDays('2019-12-28', 7)).toBe('2020-01-04');
  });
});

describe('policy data', () => {
  it('gives the national line, or the province’s own where it has one', () => {
    expect(incomeLineFor(NATIONAL_POLICY, 2019, '150429101201')).toEqual({ lineFen: 374_700, source: 'national' });
    expect(incomeLineFor(NATIONAL_POLICY, 2019, '320924101201')).toEqual({ lineFen: 600_000, source: 'province 32' });
    expect(incomeLineFor(NATIONAL_POLICY, 2015, '320924101201')).toEqual({ lineFen: 400_000, source: 'province 32' });
    expect(incomeLineFor(NATIONAL_POLICY, 2013, '150429101201')).toBeUndefined();
  });
});

describe('event catalogue and versions', () => {
  it('names every event by a stable string equal to its key', () => {
    for (const type of HOUSEHOLD_EVENT_TYPES) expect(HouseholdEvents[type].type).toBe(type);
  });

  it('parses stored events and refuses unknown types, newer versions and bad data', () => {
    expect(parseHouseholdEvent('NaturalDecreaseRecorded', { reason: 'moved_away' })).toEqual({
      type: 'NaturalDecreaseRecorded',
      data: { reason: 'moved_away' },
    });
    expect(() => parseHouseholdEvent('HouseholdDeleted', {})).toThrow(UnknownEvent);
    expect(() => parseHouseholdEvent('NaturalDecreaseRecorded', { reason: 'moved_away' }, 2)).toThrow(
      /newer than this code knows/,
    );
    expect(() => parseHouseholdEvent('NaturalDecreaseRecorded', { reason: 'vanished' })).toThrow();
  });

  it('lifts an old version through the upcasters before validating', () => {
    // Version 1 stored yuan as a float; version 2 stores whole fen.
    const catalogue = {
      AmountPaid: {
        type: 'AmountPaid',
        version: 2,
        description: 'test',
        schema: z.object({ amountFen: Fen }).strict(),
      },
    };
    const parse = createEventParser(catalogue, {
      AmountPaid: { 1: (d) => ({ amountFen: Math.round((d as { yuan: number }).yuan * 100) }) },
    });
    expect(parse('AmountPaid', { yuan: 12.34 }, 1)).toEqual({ type: 'AmountPaid', data: { amountFen: 1234 } });
    expect(parse('AmountPaid', { amountFen: 99 }, 2)).toEqual({ type: 'AmountPaid', data: { amountFen: 99 } });
    expect(() => createEventParser(catalogue, {})('AmountPaid', { yuan: 1 }, 1)).toThrow(
      /no upcaster for AmountPaid from version 1 to 2/,
    );
  });
});

describe('what the registry can hold', () => {
  it('takes dates from 1900 to 2099, and effective dates from the registry’s start in 2014', () => {
    expect(message(IsoDate, '1900-01-01')).toBe('valid');
    expect(message(IsoDate, '2099-12-31')).toBe('valid');
    expect(message(IsoDate, '0000-01-01')).toBe('must lie between 1900-01-01 and 2099-12-31');
    expect(message(IsoDate, '9999-12-31')).toBe('must lie between 1900-01-01 and 2099-12-31');
    expect(message(IsoDate, '2019-02-30')).toBe('must be a date that exists in the calendar');
    expect(message(EffectiveDate, '2014-01-01')).toBe('valid');
    expect(message(EffectiveDate, '2013-12-31')).toBe(
      "must be on or after 2014-01-01, when the registry's history starts (建档立卡)",
    );
    expect(message(NationalId, '11010500000101001X')).toMatch(/real birth date \(1900-01-01 to 2099-12-31\)/);
  });

  it('refuses control characters and lone surrogates in every text, and keeps tabs, line breaks and CJK beyond the BMP', () => {
    expect(textProblem('第一行\n第二行\t𠮷👨‍👩‍👧')).toBeUndefined();
    expect(textProblem('a\u0000b')).toBe('must not contain control characters (found U+0000)');
    expect(textProblem('\u001b[31m')).toBe('must not contain control characters (found U+001B)');
    expect(textProblem('\u007f')).toBe('must not contain control characters (found U+007F)');
    expect(textProblem('x\ud800')).toBe('must be valid Unicode text (it contains a lone UTF-16 surrogate)');
    expect(message(PlainText, 'ok')).toBe('valid');
    const envelope = CommandEnvelope.safeParse({
      commandId: 'cmd-\u0000-123',
      householdId: '3f0c2b1e-9d4a-4c1b-8e2f-1a2b3c4d5e6f',
      effectiveAt: '2013-06-01',
      reason: 'x\udc00',
    });
    expect(envelope.success ? [] : envelope.error.issues.map((i) => i.path.join('.'))).toEqual([
      'commandId',
      'effectiveAt',
      'reason',
    ]);
    const metadata = EventMetadata.safeParse({
      actor: { id: 'clerk\u0007', role: 'clerk', unit: '城关镇' },
      effectiveAt: '0000-01-01',
      correlationId: '3f0c2b1e-9d4a-4c1b-8e2f-1a2b3c4d5e6f',
    });
    expect(metadata.success ? [] : metadata.error.issues.map((i) => i.path.join('.'))).toEqual([
      'actor.id',
      'effectiveAt',
    ]);
  });

  it('knows today’s date in China whatever the server’s zone', () => {
    expect(chinaDate(new Date('2020-06-30T15:59:59Z'))).toBe('2020-06-30');
    expect(chinaDate(new Date('2020-06-30T16:00:00Z'))).toBe('2020-07-01');
  });
});
