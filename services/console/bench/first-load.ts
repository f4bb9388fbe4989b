/**
 * `pnpm bench:console`: the first load of the clerk's workbench on the demo county in headless
 * Chromium (cold cache each time): from navigation until the roll's rows and the counts by
 * status are on screen, and the JavaScript it ships, as sent and gzipped. Beside it, measured
 * in the same run on the same service, the GraphiQL page the API served before the console:
 * until its editor holds the example query.
 *
 * The service runs as the README starts it (`main.ts --demo`, embedded PostgreSQL) in a child
 * process; the browser is Debian's chromium. Options: --runs N (default 7).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { freePort } from '@registry/postgres';
import Table from 'cli-table3';
import type { Browser, Page } from 'playwright-core';
import { startService, stopService } from '../../api/test/service.js';
import { ensureBuilt } from '../scripts/ensure-built.js';
import { launchBrowser } from '../test/browser.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const RUNS = Number(args.runs);

interface Load {
  ms: number;
  jsFiles: number;
  jsSent: number;
  jsGzip: number;
  cssGzip: number;
}

/** One cold load: a fresh browser context, the time until `usable` resolves, the scripts received. */
async function load(
  browser: Browser,
  url: string,
  usable: (page: Page) => Promise<unknown>,
  token?: string,
): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
  if (token) {
    await context.addInitScript((t) => localStorage.setItem('registry.session', t), token);
  }
  const page = await context.newPage();
  const scripts: Promise<{ sent: number; gzip: number }>[] = [];
  const styles: Promise<number>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'stylesheet') {
      styles.push(
        response
          .body()
          .then((body) => gzipSync(body).length)
          .catch(() => Number.NaN),
      );
    }
    if (response.request().resourceType() !== 'script') return;
    scripts.push(
      (async () => {
        const body = await response.body();
        const sizes = await response.request().sizes();
        return { sent: sizes.responseBodySize, gzip: gzipSync(body).length };
      })().catch(() => ({ sent: Number.NaN, gzip: Number.NaN })),
    );
  });
  const started = performance.now();
  await page.goto(url);
  await usable(page);
  const ms = performance.now() - started;
  // Sizes count every script the page fetched, also those that arrive after it is usable (the
  // console's live stream keeps the network busy: it is given 3 s).
  await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => {});
  const sizes = await Promise.all(scripts);
  const css = await Promise.all(styles);
  await context.close();
  return {
    ms,
    jsFiles: sizes.length,
    jsSent: sizes.reduce((sum, s) => sum + s.sent, 0),
    jsGzip: sizes.reduce((sum, s) => sum + s.gzip, 0),
    cssGzip: css.reduce((sum, n) => sum + n, 0),
  };
}

const workbenchUsable = async (page: Page) => {
  await page.locator('[data-testid=households] tbody tr.ant-table-row').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=count-exited]')?.textContent ?? ''));
};
const graphiqlUsable = async (page: Page) => {
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => (document.querySelector('.graphiql-query-editor')?.textContent ?? '').length > 20);
};

function summary(name: string, loads: Load[]): string[] {
  const ms = loads.map((l) => l.ms).sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)] ?? Number.NaN;
  const last = loads.at(-1) as Load;
  // Bytes on the wire (compressed where the server compresses); unknown where the browser cannot tell.
  const kb = (bytes: number) => (bytes > 0 ? `${(bytes / 1024).toFixed(0)} kB` : '—');
  return [
    name,
    `${median.toFixed(0)} ms`,
    `${(ms.at(-1) ?? Number.NaN).toFixed(0)} ms`,
    String(last.jsFiles),
    kb(last.jsSent),
    kb(last.jsGzip),
    kb(last.cssGzip),
  ];
}

const launched = await launchBrowser();
if ('skipped' in launched) {
  process.stderr.write(`bench:console cannot run: ${launched.skipped}\n`);
  process.exit(1);
}
const browser = launched.browser;
await ensureBuilt();
const dir = await mkdtemp(path.join(tmpdir(), 'registry-bench-console-'));
// The embedded PostgreSQL runs as its own user (as root) and must reach its directory.
await chmod(dir, 0o755);
const service = await startService(
  { DATA_DIR: dir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) },
  ['--demo'],
);
try {
  const session = await fetch(`${service.url}/console-api/demo-session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'clerk', areaCode: '320924000000' }),
  });
  const { token } = (await session.json()) as { token: string };
  const workbench: Load[] = [];
  const graphiql: Load[] = [];
  // Alternated, one warm-up of each first (the service's own first queries), not counted.
  await load(browser, `${service.url}/`, workbenchUsable, token);
  await load(browser, `${service.url}/graphql`, graphiqlUsable);
  for (let i = 0; i < RUNS; i++) {
    workbench.push(await load(browser, `${service.url}/`, workbenchUsable, token));
    graphiql.push(await load(browser, `${service.url}/graphql`, graphiqlUsable));
  }
  const table = new Table({
    head: ['first load (cold cache)', 'median', 'max', 'JS files', 'JS as sent', 'JS gzipped', 'CSS gzipped'],
  });
  table.push(summary('console workbench, demo county', workbench), summary('baseline: GraphiQL page', graphiql));
  process.stdout.write(`${table.toString()}\n`);
  const { writeResult } = await import('../../../test/bench/support.js');
  await writeResult('console', { runs: RUNS, workbench, graphiql });
} finally {
  await browser.close();
  await stopService(service);
  await rm(dir, { recursive: true, force: true });
}
