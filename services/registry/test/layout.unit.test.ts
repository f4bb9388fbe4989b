import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = path.join(import.meta.dirname, '../src');
const rulesTests = path.join(import.meta.dirname, 'rules');

/** The layout the structure issue asked for, held by a test so it stays. */
describe('the registry’s layout', () => {
  it('keeps every production file at 250 lines or fewer', async () => {
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const long: string[] = [];
    for (const file of files) {
      const lines = (await readFile(path.join(src, file), 'utf8')).split('\n').length - 1;
      if (lines > 250) long.push(`${file}: ${lines} lines`);
    }
    expect(long).toEqual([]);
  });

  it('has a test file beside each rule, under the same name', async () => {
    const helpers = new Set(['types.ts', 'guards.ts', 'cases.ts']);
    const rules = (await readdir(path.join(src, 'rules'))).filter((f) => f.endsWith('.ts') && !helpers.has(f));
    expect(rules).toContain('exit.ts');
    const tests = new Set(await readdir(rulesTests));
    expect(rules.filter((rule) => !tests.has(rule.replace(/\.ts$/, '.unit.test.ts')))).toEqual([]);
  });
});
