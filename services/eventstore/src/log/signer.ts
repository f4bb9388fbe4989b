import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Hash } from './merkle.js';

/** The log's name in every signed head: a head of another log never verifies as this one's. */
export const LOG_ID = 'poverty-registry';

/**
 * What a tree head's signature covers, as RFC 8785 canonical JSON: the log, the tree's size and
 * root (hex) and when it was signed. Ed25519 over these bytes (docs/log.md).
 */
export function headBytes(head: { treeSize: number; rootHash: Hash; signedAt: string }): Buffer {
  const text = canonicalize({
    log: LOG_ID,
    treeSize: head.treeSize,
    rootHash: head.rootHash.toString('hex'),
    signedAt: head.signedAt,
  });
  return Buffer.from(text as string, 'utf8');
}

/**
 * What a signed head of the record of reads covers: the log, the chain (`reads`), how many
 * records and the last one's hash (hex), and when it was signed. Ed25519, the log's key.
 */
export function readsHeadBytes(head: { count: number; hash: Buffer; signedAt: string }): Buffer {
  const text = canonicalize({
    log: LOG_ID,
    chain: 'reads',
    count: head.count,
    hash: head.hash.toString('hex'),
    signedAt: head.signedAt,
  });
  return Buffer.from(text as string, 'utf8');
}

export function verifySignature(bytes: Buffer, signature: Buffer, publicKey: KeyObject): boolean {
  return verify(null, bytes, publicKey, signature);
}

/** A key's id: the first 16 hex digits of SHA-256 over its public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export class HeadSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error(`the log's signing key must be an Ed25519 key, not ${privateKey.asymmetricKeyType}`);
    }
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  /** From a PKCS#8 PEM, or its DER in base64 (as an environment variable holds it). */
  static fromText(text: string): HeadSigner {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey(text)
      : createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    return new HeadSigner(key);
  }

  sign(head: { treeSize: number; rootHash: Hash; signedAt: string }): Buffer {
    return this.signBytes(headBytes(head));
  }

  signBytes(bytes: Buffer): Buffer {
    return sign(null, bytes, this.privateKey);
  }

  /** The public key as PEM, for anyone who checks heads. */
  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

export function verifyHead(
  head: { treeSize: number; rootHash: Hash; signedAt: string; signature: Buffer },
  publicKey: KeyObject,
): boolean {
  return verify(null, headBytes(head), publicKey, head.signature);
}
