import { createHash } from 'node:crypto';

/**
 * A UUID (version 8, name-based on SHA-256) derived from a command id and a name. The same
 * command always derives the same ids, so a retried command creates the same events and
 * records, never new ones.
 */
export function deriveId(commandId: string, name: string): string {
  const bytes = createHash('sha256').update(`${commandId}\u0000${name}`).digest();
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
