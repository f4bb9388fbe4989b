import { readFile } from 'node:fs/promises';
import { Kind, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COUNTY, loadDemo } from '../src/demo.js';
import { type RunningApi, startApi } from './harness.js';

const docs = new URL('../../../docs/', import.meta.url);

describe('the documented example operations, on the demo county', async () => {
  const document = parse(await readFile(new URL('api-examples.graphql', docs), 'utf8'));
  const variables = JSON.parse(await readFile(new URL('api-examples.variables.json', docs), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  const operations = document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d] : []));
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi('api_examples');
    const loaded = await loadDemo(api.infrastructure.handler, api.infrastructure.reference);
    await api.infrastructure.waitForRegistry(loaded.lastPosition as string, 60_000);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists variables for exactly the operations in the file', () => {
    expect(Object.keys(variables).sort()).toEqual(operations.map((o) => o.name?.value).sort());
  });

  it.each(operations.map((o) => [o.name?.value as string, print(o)]))('%s runs without errors', async (name, text) => {
    const client = await api.client({ sub: 'demo-clerk', role: 'clerk', unit: '县扶贫办', area: DEMO_COUNTY });
    const response = await client.rawRequest<Record<string, unknown>>(text, variables[name]);
    expect(response.errors).toBeUndefined();
    const json = JSON.stringify(response.data);
    if (name === 'Household') expect(json).toContain('"status":"returned"');
    if (name === 'RecordVisit') expect(json).toContain('"__typename":"CommandSuccess"');
    if (name === 'RefusedExit') expect(json).toContain('"__typename":"RuleViolation"');
    if (name === 'ExitReview') expect(json).toMatch(/"failing":[1-9]/);
  });
});
