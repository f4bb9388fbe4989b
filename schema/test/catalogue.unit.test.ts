import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { renderCatalogue } from '../src/catalogue.js';
import { HOUSEHOLD_COMMAND_TYPES, HOUSEHOLD_EVENT_TYPES } from '../src/index.js';

it('schema/README.md is the catalogue the schemas generate (run `npx -y pnpm@10.34.8 schema:catalogue` after changing them)', async () => {
  const written = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const generated = renderCatalogue();
  for (const type of [...HOUSEHOLD_EVENT_TYPES, ...HOUSEHOLD_COMMAND_TYPES]) expect(generated).toContain(`### ${type}`);
  expect(written).toBe(generated);
});
