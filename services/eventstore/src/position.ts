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

function hexPart(decimal: string): string {
  // Below 10^15 a double is exact and much cheaper than BigInt; this runs once per event read.
  const hex = decimal.length <= 15 ? Number(decimal).toString(16) : BigInt(decimal).toString(16);
  return hex.padStart(16, '0');
}

/** `encodePosition` for parts given as unsigned decimal strings, as PostgreSQL returns int8 and xid8. */
export function encodeDecimalPosition(major: string, minor: string): Position {
  return `${hexPart(major)}-${hexPart(minor)}`;
}
