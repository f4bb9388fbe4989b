import { describe, expect, it } from 'vitest';
import { claimStream, heldKeys, keyChanges } from '../src/claims.js';
import { applied, child, exited, head, registered, spouse, stateOf } from './fixtures.js';

const person = (id: string) => claimStream('person', id);

describe('keys a household holds (one person, one open household; one card, one household)', () => {
  it('an applicant holds its members’ ID numbers, and no card yet', () => {
    expect([...heldKeys(stateOf(applied())).keys()].sort()).toEqual(
      [person(head.nationalId), person(spouse.nationalId), person(child.nationalId)].sort(),
    );
  });

  it('a registered household holds its card number too, whatever its case', () => {
    const keys = heldKeys(stateOf(registered()));
    expect(keys.has(claimStream('card', '3209242015000123'))).toBe(true);
    expect(claimStream('card', 'c-01')).toBe(claimStream('card', 'C-01'));
    expect(keys.size).toBe(4);
  });

  it('an exited household is still open: it keeps its members’ numbers', () => {
    expect(heldKeys(stateOf(exited())).has(person(head.nationalId))).toBe(true);
  });

  it('a rejected application lets its members go', () => {
    const before = stateOf(applied());
    const after = stateOf([
      ...applied(),
      {
        type: 'ApplicationRejected',
        data: { step: 'village_review', reason: '不符合条件' },
        effectiveAt: '2015-03-10',
      },
    ]);
    const changes = keyChanges(before, after);
    expect(changes.claim).toEqual([]);
    expect(changes.release.map((k) => k.stream).sort()).toEqual(
      [person(head.nationalId), person(spouse.nationalId), person(child.nationalId)].sort(),
    );
  });

  it('a removed household keeps its card number for good, and lets its members go', () => {
    const after = stateOf([
      ...registered(),
      {
        type: 'RemovedFromRegistry',
        data: { evidence: { source: 'review', review: '识别不准' } },
        effectiveAt: '2016-01-10',
      },
    ]);
    expect([...heldKeys(after).keys()]).toEqual([claimStream('card', '3209242015000123')]);
  });

  it('a member who leaves is let go; one who joins is claimed', () => {
    const before = stateOf(registered());
    const after = stateOf([
      ...registered(),
      { type: 'MemberRemoved', data: { memberId: child.memberId, reason: 'moving_out' }, effectiveAt: '2016-02-01' },
    ]);
    expect(keyChanges(before, after)).toMatchObject({
      claim: [],
      release: [{ kind: 'person', value: child.nationalId }],
    });
    expect(keyChanges(after, before)).toMatchObject({ claim: [{ kind: 'person' }], release: [] });
  });

  it('stream names carry a digest, never the number itself', () => {
    expect(person(head.nationalId)).toMatch(/^claim-person-[0-9a-f]{40}$/);
    expect(person(head.nationalId)).not.toContain(head.nationalId);
    expect(person(head.nationalId)).not.toBe(person(spouse.nationalId));
  });
});
