/**
 * Builds the console when `dist/` is missing or older than its sources, so `pnpm start` serves
 * it with no extra step. A build takes a few seconds; an up-to-date one is left alone.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'package.json', '../../schema/src/messages.ts'];

async function newest(entry: string): Promise<number> {
  const info = await stat(entry).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const names = await readdir(entry);
  const times = await Promise.all(names.map((name) => newest(path.join(entry, name))));
  return Math.max(info.mtimeMs, ...times);
}

/** Builds unless dist/index.html is newer than every source; says which it did. */
export async function ensureBuilt(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const built = await newest(path.join(root, 'dist/index.html'));
  const sources = Math.max(...(await Promise.all(SOURCES.map((s) => newest(path.join(root, s))))));
  if (built > sources) return;
  log('building the console (services/console/dist) …');
  const { build } = await import('vite');
  // A production build whatever NODE_ENV the caller has (vitest sets "test", which would give
  // React's and Ant Design's development builds).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  log('console built');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureBuilt();
