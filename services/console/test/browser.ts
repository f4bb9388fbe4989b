import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (CHROMIUM_PATH to use another); never a browser downloaded by a tool. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, and kept off the internet: as root chromium needs --no-sandbox, and without the
 * last three it tries to reach Google's servers for components and field trials.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** A launched browser, or why there is none (the suite then reports itself skipped with it). */
export async function launchBrowser(): Promise<{ browser: Browser } | { skipped: string }> {
  if (!existsSync(CHROMIUM)) {
    return { skipped: `no chromium at ${CHROMIUM} (pnpm test installs it from Debian when run as root)` };
  }
  try {
    return { browser: await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 }) };
  } catch (error) {
    return { skipped: `chromium at ${CHROMIUM} did not start: ${(error as Error).message.split('\n')[0]}` };
  }
}
