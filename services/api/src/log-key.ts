import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HeadSigner } from '@registry/eventstore/log';
import type { Config } from './config.js';

/**
 * The key that signs the log's tree heads: LOG_SIGNING_KEY, or (for development, as the token
 * secret is) a key made once under DATA_DIR. Its public half is what anyone checks heads with.
 */
export async function logSigner(config: Config): Promise<{ signer: HeadSigner; development: boolean }> {
  if (config.logSigningKey) {
    try {
      return { signer: HeadSigner.fromText(config.logSigningKey), development: false };
    } catch (error) {
      throw new Error(
        `LOG_SIGNING_KEY: not an Ed25519 private key in PKCS#8 PEM or base64 DER (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  const file = path.join(config.dataDir, 'dev-log-key.pem');
  try {
    return { signer: HeadSigner.fromText(await readFile(file, 'utf8')), development: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(config.dataDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await writeFile(file, pem, { flag: 'wx', mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await chmod(file, 0o600);
  return { signer: HeadSigner.fromText(await readFile(file, 'utf8')), development: true };
}
