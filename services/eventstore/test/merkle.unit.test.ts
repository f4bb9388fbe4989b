import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  type Hash,
  inclusionProof,
  leafHash,
  nodeHash,
  type PerfectSubtrees,
  rootHash,
  split,
  TreeBuilder,
  verifyConsistency,
  verifyInclusion,
} from '../src/log/merkle.js';

/** The eight leaves of the Certificate Transparency reference tree (RFC 6962's test data). */
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
/** Its published roots for sizes 1 to 8. */
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hex = (h: Hash) => h.toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

/** A tree built leaf by leaf, its perfect subtrees kept in memory as the store keeps them. */
function built(leaves: Hash[]): { nodes: PerfectSubtrees; builder: TreeBuilder } {
  const kept = new Map<string, Hash>();
  const builder = new TreeBuilder();
  for (const leaf of leaves) for (const n of builder.append(leaf)) kept.set(`${n.level}/${n.index}`, n.hash);
  const nodes: PerfectSubtrees = {
    node: async (level, index) => {
      const hash = kept.get(`${level}/${index}`);
      if (!hash) throw new Error(`no subtree ${level}/${index}`);
      return hash;
    },
  };
  return { nodes, builder };
}

/** MTH as RFC 9162 writes it, recursively over the leaves: the definition the tree must equal. */
function mth(leaves: Hash[]): Hash {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0] as Hash;
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const many = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from([i, i * 7, 3])));

describe('the log’s Merkle tree (RFC 9162)', () => {
  it('has the Certificate Transparency reference roots, and SHA-256 of nothing when empty', async () => {
    const leaves = CT_LEAVES.map((l) => leafHash(unhex(l)));
    const { nodes, builder } = built(leaves);
    expect(hex(await rootHash(nodes, 0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 1; n <= 8; n++) expect(hex(await rootHash(nodes, n)), `size ${n}`).toBe(CT_ROOTS[n - 1]);
    expect(hex(builder.root())).toBe(CT_ROOTS[7]);
  });

  it('gives the reference inclusion proofs', async () => {
    const { nodes } = built(CT_LEAVES.map((l) => leafHash(unhex(l))));
    expect((await inclusionProof(nodes, 0, 8)).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect((await inclusionProof(nodes, 5, 8)).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('equals its definition at every size, leaf by leaf and from its stored subtrees', async () => {
    const { nodes } = built(many);
    for (let n = 0; n <= many.length; n++) {
      expect(hex(await rootHash(nodes, n)), `size ${n}`).toBe(hex(mth(many.slice(0, n))));
      expect(hex(built(many.slice(0, n)).builder.root())).toBe(hex(mth(many.slice(0, n))));
    }
  });

  it('proves every leaf in every tree, and a proof for another leaf or root fails', async () => {
    const { nodes } = built(many);
    for (let n = 1; n <= 40; n++) {
      const root = mth(many.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = await inclusionProof(nodes, m, n);
        expect(verifyInclusion(m, n, many[m] as Hash, proof, root), `${m} in ${n}`).toBe(true);
        if (n > 1) expect(verifyInclusion((m + 1) % n, n, many[m] as Hash, proof, root)).toBe(false);
        expect(verifyInclusion(m, n, many[m] as Hash, proof, many[69] as Hash)).toBe(false);
      }
    }
  });

  it('proves every tree a prefix of every larger one, and nothing else', async () => {
    const { nodes } = built(many);
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await consistencyProof(nodes, m, n);
        const [first, second] = [mth(many.slice(0, m)), mth(many.slice(0, n))];
        expect(verifyConsistency(m, n, first, second, proof), `${m} → ${n}`).toBe(true);
        if (m < n) {
          // A history rewritten under the first head: another first root cannot be proved.
          expect(verifyConsistency(m, n, mth(many.slice(1, m + 1)), second, proof)).toBe(false);
          expect(verifyConsistency(m, n, first, mth(many.slice(1, n + 1)), proof)).toBe(false);
        }
      }
    }
  });

  it('resumes a stored tree from its frontier and goes on as if never stopped', async () => {
    const { nodes } = built(many.slice(0, 45));
    const resumed = await TreeBuilder.resume(nodes, 45);
    for (const leaf of many.slice(45)) resumed.append(leaf);
    expect(hex(resumed.root())).toBe(hex(mth(many)));
  });

  it('refuses proofs that cannot exist, by name', async () => {
    const { nodes } = built(many.slice(0, 5));
    await expect(inclusionProof(nodes, 5, 5)).rejects.toThrow(/leaf 5 is not in a tree of 5 leaves/);
    await expect(consistencyProof(nodes, 0, 5)).rejects.toThrow(/no consistency proof/);
    await expect(consistencyProof(nodes, 6, 5)).rejects.toThrow(/no consistency proof/);
  });
});
