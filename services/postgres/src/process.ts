import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, from /proc (Linux); undefined where it cannot be read. */
async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits up to `ms` for a process to end; whether it did. */
export async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops a PostgreSQL server: fast shutdown (SIGINT: disconnect everyone, checkpoint, stop);
 * if it does not end in time, immediate shutdown (SIGQUIT: a crash recovery follows at the
 * next start, nothing committed is lost); as a last resort SIGKILL. A half-shut-down server
 * has been seen to ignore SIGINT.
 */
export async function stopServerProcess(pid: number, log: (line: string) => void, graceMs = 10_000): Promise<void> {
  for (const [signal, wait] of [
    ['SIGINT', graceMs],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (!isAlive(pid)) return;
    if (signal !== 'SIGINT') log(`PostgreSQL (pid ${pid}) did not stop in time; sending ${signal}`);
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, wait)) return;
  }
  throw new Error(`PostgreSQL (pid ${pid}) did not stop, even after SIGKILL`);
}

/**
 * A PostgreSQL server still running on `dataDir` although the process that started it is
 * gone (it was killed, or crashed): its pid, from the data directory's postmaster.pid, when
 * that pid is alive and is a postgres on this directory.
 */
export async function leftoverServer(dataDir: string): Promise<number | undefined> {
  let lines: string[];
  try {
    lines = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const command = await commandLine(pid);
  // Where /proc cannot tell, trust the pid file's own record of the directory.
  const isOurs =
    command === undefined ? lines[1] === dataDir : command.includes('postgres') && command.includes(dataDir);
  return isOurs ? pid : undefined;
}

/**
 * Claims a data directory for one process: writes `owner.pid` there with this process's pid.
 * Refused while another live process holds the claim, so two services (or a service and a
 * command that started the embedded server) never run on one directory. A claim whose
 * process is gone (killed, crashed) is taken over. Returns the release.
 */
export async function claimDirectory(dir: string, what: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'owner.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n${what}\n`, { flag: 'wx' });
      return async () => {
        const content = await readFile(file, 'utf8').catch(() => '');
        if (Number(content.split('\n')[0]) === process.pid) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const [pidText, holder] = (await readFile(file, 'utf8').catch(() => '')).split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      const command = await commandLine(pid);
      if (command === undefined || command.includes('node')) {
        throw new Error(
          `${dir} is in use by ${holder || 'another process'} (pid ${pid}); stop it first, or give this one another DATA_DIR`,
        );
      }
    }
    // The holder is gone: the claim is stale.
    await rm(file, { force: true });
  }
  throw new Error(`could not claim ${dir}`);
}
