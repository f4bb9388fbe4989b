/**
 * Run by `pnpm test` before the suites: the console's browser tests drive Debian's chromium
 * (never a downloaded browser) and need a Chinese font to draw the pages they screenshot. Where
 * either is missing and this is Debian as root (CI), they are installed from Debian; where that
 * cannot be done, this says why and the browser suite reports itself skipped with the reason.
 * It never fails the run itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function hasChineseFont(): boolean {
  const result = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().length > 0;
}

function main(): void {
  const packages = [
    ...(existsSync(CHROMIUM) ? [] : ['chromium']),
    ...(existsSync(CHROMIUM) && hasChineseFont() ? [] : ['fonts-wqy-microhei']),
  ];
  if (packages.length === 0) return;
  const say = (line: string) => process.stderr.write(`ensure-browser: ${line}\n`);
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    say(
      `missing ${packages.join(', ')}; not root on Debian, so not installed: the browser suite will say it is skipped`,
    );
    return;
  }
  say(`installing ${packages.join(', ')} from Debian (apt-get) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
    say('installed');
  } catch (error) {
    say(`apt-get failed (${(error as Error).message.split('\n')[0]}): the browser suite will say it is skipped`);
  }
}

main();
