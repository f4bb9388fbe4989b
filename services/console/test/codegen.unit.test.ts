import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, generate } from '../scripts/codegen.js';

describe('the console’s typed operations', () => {
  it('are generated from the checked-in SDL: src/generated.ts is what codegen writes now', async () => {
    // When this fails, the SDL or src/operations.graphql changed: run `pnpm console:codegen`,
    // and the compiler then shows every place the console must follow.
    expect(await readFile(GENERATED_PATH, 'utf8')).toBe(await generate());
  });
});
