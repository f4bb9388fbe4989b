import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CommonJS (main) and ESM (module) without an exports map. Node loads the
// CommonJS copy for Pothos and yoga, while Vite would hand our sources the ESM copy: two
// GraphQLError classes, so errors thrown in our scalars look foreign to yoga. Resolve ours
// the way Node does.
const graphql = createRequire(new URL('./services/api/package.json', import.meta.url)).resolve('graphql');

const exclude = ['**/node_modules/**', '.data/**'];

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphql }] },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        // `vitest run --project unit`: the rules, schemas and pure functions, in seconds, with no database.
        extends: true,
        test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude },
      },
      {
        // Everything on a real PostgreSQL (one per run; a fresh database per file) and real processes.
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts', '**/*.e2e.test.ts'],
          exclude,
          globalSetup: ['./test/support/global-setup.ts'],
          // What a poll waits for arrives over real HTTP from a real service (a browser page's
          // names, a projection's rows): on a busy CI machine that can take over the 1 s default.
          expect: { poll: { timeout: 5_000 } },
        },
      },
    ],
  },
});
