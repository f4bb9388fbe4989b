import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The service as the README starts it: `main.ts` in a child process, on the environment given. */
export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export async function startService(env: Record<string, string>, args: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', EVENTSTORE_CONNECTION_STRING: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 60_000);
    const onData = () => {
      const line = output.split('\n').find((l) => l.includes('"registry listening"'));
      if (line) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(JSON.parse(line).url);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`service exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

export async function stopService(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.once('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}
