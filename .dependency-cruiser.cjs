/**
 * The import boundaries of DESIGN.md, checked on every `pnpm lint` (part of `pnpm test`).
 * Paths are the real files that workspace package imports resolve to.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'Every import resolves: a package used must be a declared dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules must not import each other in a circle.',
      from: { pathNot: '^node_modules' },
      to: { circular: true },
    },
    {
      name: 'schema-is-pure',
      severity: 'error',
      comment: 'schema/ holds schemas and policy data only: it imports nothing but zod and Node built-ins without IO.',
      from: { path: '^schema/src' },
      to: { pathNot: ['^schema/', 'node_modules/.*/zod/'] },
    },
    {
      name: 'services-do-not-use-projections',
      severity: 'error',
      comment: 'Only the composition root (services/api) wires projections in.',
      from: { path: '^services/(?!api/)[^/]+/src' },
      to: { path: '^projections/' },
    },
    {
      name: 'public-entry-points-only',
      severity: 'error',
      comment: 'Across packages, import the package (its index), never another package’s internals.',
      from: { path: '^(projections|services/[^/]+)/src' },
      to: {
        path: '^(services/[^/]+|projections)/src/',
        pathNot: [
          '^services/[^/]+/src/index\\.ts$',
          '^services/eventstore/src/(postgres|esdb|log)/index\\.ts$',
          '^projections/src/index\\.ts$',
          // within its own package a module may import anything
          '^$1/src/',
        ],
      },
    },
    {
      name: 'adapters-only-in-composition-roots',
      severity: 'error',
      comment:
        'Only the composition roots (the service and its commands) choose an event-store adapter; the core depends on the port.',
      from: {
        path: '^(schema|services/[^/]+|projections)/src',
        pathNot: ['^services/api/src/(infrastructure|cli/[^/]+)\\.ts$', '^services/eventstore/src/'],
      },
      to: { path: '^services/eventstore/src/(postgres|esdb)/' },
    },
    {
      name: 'layers-in-order',
      severity: 'error',
      comment:
        'schema ← eventstore ← registry ← projections ← api (postgres, the database helpers, beside eventstore): nothing imports a layer above it.',
      from: { path: '^(services/(eventstore|postgres)|services/registry|projections)/src' },
      to: { path: '^services/api/src' },
    },
    {
      name: 'eventstore-below-registry',
      severity: 'error',
      comment: 'The event store and the database helpers know nothing of households or read models.',
      from: { path: '^services/(eventstore|postgres)/src' },
      to: { path: '^(services/registry|projections)/src' },
    },
    {
      name: 'registry-below-projections',
      severity: 'error',
      comment: 'The household rules know nothing of the read models or the API.',
      from: { path: '^services/registry/src' },
      to: { path: '^(projections|services/api)/src' },
    },
    {
      name: 'no-tests-in-production-code',
      severity: 'error',
      comment: 'Production code never imports tests, fixtures or benchmarks.',
      from: { path: '^(schema|services/[^/]+|projections)/src' },
      to: { path: '/(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      // The console imports without extensions (Vite) and uses a types-only package.
      extensions: ['.ts', '.tsx', '.js', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
