import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { verifyConsistency, verifyInclusion } from '@registry/eventstore/log';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assessor,
  evaluator,
  monitoredHousehold,
  query,
  type RunningApi,
  startApi,
  TOWNSHIP,
  townshipClerk,
} from './harness.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../../docs/log/verify-proof.mjs');

const HEAD = 'treeSize rootHash signedAt keyId signature';
const INCLUSION = `query($id: ID!, $size: Int) { logInclusionProof(eventId: $id, treeSize: $size) {
  eventId position leafIndex leafHash entry proof head { ${HEAD} } publicKey } }`;

type Head = { treeSize: number; rootHash: string; signedAt: string; keyId: string; signature: string };
type Inclusion = {
  leafIndex: number;
  leafHash: string;
  entry: string | null;
  proof: string[];
  head: Head;
  publicKey: string;
};

describe('the tamper-evident log through GraphQL: heads, proofs, signing on demand', () => {
  let api: RunningApi;
  let clerk: GraphQLClient;
  let eval_: GraphQLClient;
  let assess: GraphQLClient;
  const householdId = randomUUID();
  let eventId: string;

  beforeAll(async () => {
    api = await startApi('api_log');
    clerk = await api.client(townshipClerk);
    eval_ = await api.client(evaluator);
    assess = await api.client(assessor);
    const result = await monitoredHousehold(clerk, householdId);
    eventId = result.events?.[0]?.id as string;
    // Sealing reads the log as readers do: an event committed a moment ago stays hidden while
    // an older transaction is open. Once the read models have it, the sealer sees it too.
    await api.infrastructure.waitForRegistry(result.position as string);
  });
  afterAll(async () => api?.close());

  it('signs on demand for an evaluator, not for a clerk; every role reads the head', async () => {
    const refused = await query(clerk, `mutation { signLogHead { ${HEAD} } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const signed = await query<{ signLogHead: Head }>(eval_, `mutation { signLogHead { ${HEAD} } }`);
    const stored = Number((await api.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM es_events')).rows[0]?.n);
    expect(signed.data.signLogHead.treeSize).toBe(stored);
    const latest = await query<{ logHead: Head }>(assess, `{ logHead { ${HEAD} } }`);
    expect(latest.data.logHead).toEqual(signed.data.signLogHead);
  });

  it('proves an event under the head; the entry hashes to the leaf, and the offline checker agrees', async () => {
    const { data } = await query<{ logInclusionProof: Inclusion }>(eval_, INCLUSION, { id: eventId });
    const p = data.logInclusionProof;
    const hex = (s: string) => Buffer.from(s, 'hex');
    expect(verifyInclusion(p.leafIndex, p.head.treeSize, hex(p.leafHash), p.proof.map(hex), hex(p.head.rootHash))).toBe(
      true,
    );
    const entry = Buffer.from(p.entry as string, 'base64');
    expect(
      createHash('sha256')
        .update(Buffer.from([0]))
        .update(entry)
        .digest('hex'),
    ).toBe(p.leafHash);
    const bundle = { log: 'poverty-registry', ...p, inclusionProof: p.proof, treeSize: p.head.treeSize };
    const checked = spawnSync(process.execPath, [SCRIPT], { input: JSON.stringify(bundle), encoding: 'utf8' });
    expect(checked.stdout, checked.stderr).toMatch(/^VERIFIED/);
  });

  it('gives an assessor the proof without the entry (its data is masked for them)', async () => {
    const { data } = await query<{ logInclusionProof: Inclusion }>(assess, INCLUSION, { id: eventId });
    expect(data.logInclusionProof.entry).toBeNull();
    expect(data.logInclusionProof.proof.length).toBeGreaterThanOrEqual(0);
  });

  it('proves a later head an extension of an earlier one', async () => {
    const first = (await query<{ logHead: Head }>(eval_, `{ logHead { ${HEAD} } }`)).data.logHead;
    const more = await monitoredHousehold(clerk, randomUUID());
    await api.infrastructure.waitForRegistry(more.position as string);
    const second = (await query<{ signLogHead: Head }>(eval_, `mutation { signLogHead { ${HEAD} } }`)).data.signLogHead;
    const { data } = await query<{ logConsistencyProof: { proof: string[] } }>(
      assess,
      'query($a: Int!, $b: Int!) { logConsistencyProof(first: $a, second: $b) { proof } }',
      { a: first.treeSize, b: second.treeSize },
    );
    const hex = (s: string) => Buffer.from(s, 'hex');
    expect(
      verifyConsistency(
        first.treeSize,
        second.treeSize,
        hex(first.rootHash),
        hex(second.rootHash),
        data.logConsistencyProof.proof.map(hex),
      ),
    ).toBe(true);
    const heads = await query<{ logHeads: Head[] }>(assess, `{ logHeads(first: 5) { treeSize } }`);
    expect(heads.data.logHeads.map((h) => h.treeSize).slice(0, 2)).toEqual([second.treeSize, first.treeSize]);
  });

  it('answers a snapshot and indicators with the first head signed since their knownAt, under which their events are', async () => {
    const knownAt = new Date().toISOString();
    await eval_.request(`mutation { signLogHead { treeSize } }`);
    const { data } = await query<{ registrySnapshot: { logHead: Head }; areaIndicators: { logHead: Head } }>(
      eval_,
      `query($k: DateTime) {
        registrySnapshot(areaCode: "${TOWNSHIP}", effectiveOn: "2020-12-31", knownAt: $k) { households logHead { ${HEAD} } }
        areaIndicators(areaCode: "${TOWNSHIP}", year: 2020, knownAt: $k) { logHead { ${HEAD} } } }`,
      { k: knownAt },
    );
    // Signed since knownAt, or (the log has not grown since the last head) that head.
    const head = data.registrySnapshot.logHead;
    const latest = await query<{ logHead: Head }>(eval_, `{ logHead { ${HEAD} } }`);
    expect(head).toEqual(latest.data.logHead);
    expect(data.areaIndicators.logHead).toEqual(head);
    // The household's first event, recorded before knownAt, is under that head.
    const proof = await query<{ logInclusionProof: Inclusion }>(eval_, INCLUSION, { id: eventId, size: head.treeSize });
    expect(proof.data.logInclusionProof.head).toEqual(head);
    // Once the log has moved on, a time no head has been signed since has none yet.
    await monitoredHousehold(clerk, randomUUID());
    const later = await query<{ registrySnapshot: { logHead: Head | null } }>(
      eval_,
      `{ registrySnapshot(areaCode: "${TOWNSHIP}", effectiveOn: "2020-12-31") { logHead { treeSize } } }`,
    );
    expect(later.data.registrySnapshot.logHead).toBeNull();
  });

  it('refuses, by name, a proof for what was never sealed or a head never signed', async () => {
    const unknown = await query(eval_, INCLUSION, { id: randomUUID() });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.errors?.[0]?.message).toMatch(/eventId.*not in the sealed log/);
    // In Chinese for the clerk, the rule in words.
    expect(String(unknown.errors?.[0]?.extensions?.localizedMessage)).toContain('不在已封存的日志中');
    const forged = await query(eval_, INCLUSION, { id: 'not-an-id' });
    expect(forged.errors?.[0]?.message).toMatch(/eventId.*must be an event id/);
    const noHead = await query(eval_, INCLUSION, { id: eventId, size: 999_999 });
    expect(noHead.errors?.[0]?.message).toMatch(/treeSize.*no head was signed for 999999 events/);
    const backwards = await query(eval_, '{ logConsistencyProof(first: 5, second: 2) { proof } }');
    expect(backwards.errors?.[0]?.message).toMatch(/first.*no more than second/);
    expect(String(backwards.errors?.[0]?.extensions?.localizedMessage)).toContain('须不小于 1，且不大于较晚的树头大小');
  });
});
