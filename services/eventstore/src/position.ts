import { InvalidPosition } from './errors.js';
import type { Position } from './types.js';

const TOKEN = /^[0-9a-f]{16}-[0-9a-f]{16}$/;
const MAX = (1n << 64n) - 1n;

/** Encodes two unsigned 64-bit parts so that string order equals numeric order. */
export function encodePosition(major: bigint, minor: bigint): Position {
  if (major < 0n || minor < 0n || major > MAX || minor > MAX) throw new RangeError('position part out of range');
  return `${major.toString(16).padStart(16, '0')}-${minor.toString(16).padStart(16, '0')}`;
}

export function decodePosition(token: unknown): [major: bigint, minor: bigint] {
  if (typeof token !== 'string' || !TOKEN.test(token)) throw new InvalidPosition(token);
  return [BigInt(`0x${token.slice(0, 16)}`), BigInt(`0x${token.slice(17)}`)];
}
