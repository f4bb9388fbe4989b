import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printSdl } from '../src/graphql/schema.js';

describe('the checked-in GraphQL SDL', () => {
  it('equals the schema the code builds (run `pnpm schema:graphql` after changing the API)', async () => {
    const checkedIn = await readFile(new URL('../../../schema/registry.graphql', import.meta.url), 'utf8');
    expect(checkedIn).toBe(printSdl());
  });

  it('has one mutation per household command, each returning its result union', () => {
    const sdl = printSdl();
    for (const name of [
      'applyForRegistration',
      'approveExit',
      'reportReturnToPoverty',
      'correctEvent',
      'startMonitoring',
    ]) {
      const type = name.charAt(0).toUpperCase() + name.slice(1);
      expect(sdl).toContain(`  ${name}(\n`);
      expect(sdl).toContain(`    input: ${type}Input!\n  ): ${type}Result!\n`);
      expect(sdl).toContain(
        `union ${type}Result = CommandSuccess | ConcurrencyConflict | Forbidden | NotFound | RuleViolation | ValidationError`,
      );
    }
  });
});
