/** `pnpm schema:graphql`: writes the GraphQL SDL to schema/registry.graphql (a test fails when it drifts). */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { printSdl } from '../graphql/schema.js';

const target = fileURLToPath(new URL('../../../../schema/registry.graphql', import.meta.url));
await writeFile(target, printSdl());
process.stdout.write(`wrote ${target}\n`);
