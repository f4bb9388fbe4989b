import { writeFile } from 'node:fs/promises';
import { renderCatalogue } from '../src/catalogue.js';

const target = new URL('../README.md', import.meta.url);
await writeFile(target, renderCatalogue());
process.stdout.write(`written: ${target.pathname}\n`);
