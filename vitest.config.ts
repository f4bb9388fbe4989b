import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 ships CommonJS (main) and ESM (module) without an exports map. Node loads the
// CommonJS copy for Pothos and yoga, while Vite would hand our sources the ESM copy: two
// GraphQLError classes, so errors thrown in our scalars look foreign to yoga. Resolve ours
// the way Node does.
const graphql = createRequire(new URL('./services/api/package.json', import.meta.url)).resolve('graphql');

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphql }] },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '.data/**'],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
