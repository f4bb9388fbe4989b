import { createHash } from 'node:crypto';

/**
 * The log's Merkle tree, as RFC 9162 (Certificate Transparency 2.0, §2.1) defines it over
 * SHA-256: a leaf's hash is SHA-256(0x00 ‖ leaf), an interior node's SHA-256(0x01 ‖ left ‖
 * right), the tree of n leaves splits at the largest power of two below n, and the empty
 * tree's hash is SHA-256 of nothing. Inclusion and consistency proofs and their checks follow
 * the RFC's algorithms (§2.1.3, §2.1.4) step by step, so that any implementation of the RFC
 * can check what this log proves (docs/log.md says how, and scripts/verify-proof.mjs does it
 * with node:crypto alone).
 *
 * Hashes are 32-byte Buffers. Tree sizes and indices are plain numbers (exact to 2^53).
 */
export type Hash = Buffer;

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export function leafHash(entry: Uint8Array): Hash {
  return createHash('sha256').update(LEAF).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** The largest power of two smaller than n (n ≥ 2). */
export function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number) => n >= 1 && 2 ** Math.round(Math.log2(n)) === n;

/**
 * Where a tree's perfect subtrees are read from: the hash of leaves [index·2^level,
 * (index+1)·2^level), level 0 being the leaves' own hashes. Every such subtree of the tree so
 * far is kept (`TreeBuilder` says which ones each leaf completes).
 */
export interface PerfectSubtrees {
  node(level: number, index: number): Promise<Hash>;
}

/** MTH(D[start:end]): perfect aligned ranges read, the others split as the RFC splits them. */
export async function rangeHash(nodes: PerfectSubtrees, start: number, end: number): Promise<Hash> {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n) && start % n === 0) return nodes.node(Math.log2(n), start / n);
  const k = split(n);
  return nodeHash(await rangeHash(nodes, start, start + k), await rangeHash(nodes, start + k, end));
}

export function rootHash(nodes: PerfectSubtrees, size: number): Promise<Hash> {
  return rangeHash(nodes, 0, size);
}

/** RFC 9162 §2.1.3.1, PATH(m, D[n]): the audit path of leaf `index` in the tree of `size` leaves. */
export async function inclusionProof(nodes: PerfectSubtrees, index: number, size: number): Promise<Hash[]> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
  }
  const path = async (m: number, start: number, end: number): Promise<Hash[]> => {
    const n = end - start;
    if (n === 1) return [];
    const k = split(n);
    return m < k
      ? [...(await path(m, start, start + k)), await rangeHash(nodes, start + k, end)]
      : [...(await path(m - k, start + k, end)), await rangeHash(nodes, start, start + k)];
  };
  return path(index, 0, size);
}

/** RFC 9162 §2.1.4.1, PROOF(m, D[n]): that the tree of `first` leaves is a prefix of the tree of `second`. */
export async function consistencyProof(nodes: PerfectSubtrees, first: number, second: number): Promise<Hash[]> {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 1 || first > second) {
    throw new RangeError(`no consistency proof from a tree of ${first} leaves to one of ${second}`);
  }
  const subproof = async (m: number, start: number, end: number, whole: boolean): Promise<Hash[]> => {
    const n = end - start;
    if (m === n) return whole ? [] : [await rangeHash(nodes, start, end)];
    const k = split(n);
    return m <= k
      ? [...(await subproof(m, start, start + k, whole)), await rangeHash(nodes, start + k, end)]
      : [...(await subproof(m - k, start + k, end, false)), await rangeHash(nodes, start, start + k)];
  };
  return subproof(first, 0, second, true);
}

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** The RFC's "right-shift fn and sn equally until LSB(fn) is set or fn is 0" (fn even on entry). */
function climb(fn: number, sn: number): [number, number] {
  do {
    fn = half(fn);
    sn = half(sn);
  } while (!odd(fn) && fn !== 0);
  return [fn, sn];
}

/** RFC 9162 §2.1.3.2: whether `proof` shows leaf `index` (its hash `leaf`) in the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) [fn, sn] = climb(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `first` leaves (root `firstRoot`) a prefix of the tree of `second` (root `secondRoot`). */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Hash;
  let sr = path[0] as Hash;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) [fn, sn] = climb(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/**
 * Appends leaves in order and says which perfect subtrees each completes (the leaf itself at
 * level 0, then each parent whose right child it closes), so they can be stored for proofs.
 * Holds only the frontier: one hash per set bit of the size.
 */
export class TreeBuilder {
  private frontier: (Hash | undefined)[] = [];

  constructor(
    public size = 0,
    frontier: (Hash | undefined)[] = [],
  ) {
    this.frontier = [...frontier];
  }

  /** The builder of a stored tree: its frontier read from its perfect subtrees. */
  static async resume(nodes: PerfectSubtrees, size: number): Promise<TreeBuilder> {
    const frontier: (Hash | undefined)[] = [];
    let start = 0;
    for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
      const width = 2 ** level;
      if (start + width <= size) {
        frontier[level] = await nodes.node(level, start / width);
        start += width;
      }
    }
    return new TreeBuilder(size, frontier);
  }

  /** A copy to append to without changing this one (a batch that may not commit). */
  clone(): TreeBuilder {
    return new TreeBuilder(this.size, this.frontier);
  }

  append(leaf: Hash): { level: number; index: number; hash: Hash }[] {
    const made = [{ level: 0, index: this.size, hash: leaf }];
    let carry = leaf;
    let level = 0;
    let index = this.size;
    while (odd(index)) {
      carry = nodeHash(this.frontier[level] as Hash, carry);
      this.frontier[level] = undefined;
      level++;
      index = half(index);
      made.push({ level, index, hash: carry });
    }
    this.frontier[level] = carry;
    this.size++;
    return made;
  }

  /** The root of the tree so far: its perfect subtrees folded from the smallest up. */
  root(): Hash {
    let root: Hash | undefined;
    for (const hash of this.frontier) {
      if (!hash) continue;
      root = root ? nodeHash(hash, root) : hash;
    }
    return root ?? EMPTY_ROOT;
  }
}
