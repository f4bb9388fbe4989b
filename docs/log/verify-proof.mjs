#!/usr/bin/env node
// Checks a proof from the registry's tamper-evident log with Node's own crypto, nothing else:
// that an event (its canonical bytes) is leaf `leafIndex` of the tree whose head the log signed.
// The algorithms are RFC 9162's (§2.1.3.2); docs/log.md describes the bundle this reads.
//
//   node verify-proof.mjs bundle.json      (or the bundle on standard input)
//
// Exits 0 when everything holds, 1 naming the first thing that does not.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const bundle = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const fail = (why) => {
  console.error(`NOT VERIFIED: ${why}`);
  process.exit(1);
};

// 1. The event's hash: SHA-256(0x00 || its canonical bytes).
const leaf = bundle.entry
  ? sha256(Buffer.from([0]), Buffer.from(bundle.entry, 'base64'))
  : Buffer.from(bundle.leafHash, 'hex');
if (bundle.leafHash && !leaf.equals(Buffer.from(bundle.leafHash, 'hex'))) fail('the entry does not hash to leafHash');

// 2. The audit path up to the root (RFC 9162 §2.1.3.2).
const { leafIndex, treeSize } = bundle;
if (!(leafIndex >= 0 && leafIndex < treeSize)) fail(`leaf ${leafIndex} is not in a tree of ${treeSize}`);
let fn = leafIndex;
let sn = treeSize - 1;
let r = leaf;
for (const hex of bundle.inclusionProof) {
  const p = Buffer.from(hex, 'hex');
  if (sn === 0) fail('the proof is longer than the tree is deep');
  if (fn % 2 === 1 || fn === sn) {
    r = sha256(Buffer.from([1]), p, r);
    if (fn % 2 === 0) {
      do {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      } while (fn % 2 === 0 && fn !== 0);
    }
  } else {
    r = sha256(Buffer.from([1]), r, p);
  }
  fn = Math.floor(fn / 2);
  sn = Math.floor(sn / 2);
}
if (sn !== 0) fail('the proof is shorter than the tree is deep');
const head = bundle.head;
if (head.treeSize !== treeSize) fail(`the proof is for a tree of ${treeSize}, the head for ${head.treeSize}`);
if (!r.equals(Buffer.from(head.rootHash, 'hex'))) fail('the path does not lead to the signed root');

// 3. The head's signature: Ed25519 over RFC 8785 canonical JSON of {log, rootHash, signedAt,
// treeSize} (keys in that order; plain strings and an integer, so JSON.stringify is canonical).
const signed = JSON.stringify({
  log: bundle.log,
  rootHash: head.rootHash,
  signedAt: head.signedAt,
  treeSize: head.treeSize,
});
const key = createPublicKey(bundle.publicKey);
if (!verify(null, Buffer.from(signed, 'utf8'), key, Buffer.from(head.signature, 'base64'))) {
  fail('the head is not signed by this key');
}
console.log(`VERIFIED: leaf ${leafIndex} of ${treeSize}, under the head signed ${head.signedAt}`);
