import { z } from 'zod';
import { AreaEvents } from './area.js';
import { HouseholdCommands } from './commands.js';
import { HouseholdEvents } from './events.js';
import { PolicyEvents } from './policy.js';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
};

function describeType(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(describeType).join(' or ');
  if (schema.allOf) return schema.allOf.map(describeType).join(' and ');
  if (schema.type === 'array') return `list of ${schema.items ? describeType(schema.items) : 'values'}`;
  if (schema.type === 'object') {
    return schema.properties ? `{ ${Object.keys(schema.properties).join(', ')} }` : 'object';
  }
  if (schema.format) return `${schema.type} (${schema.format})`;
  if (schema.pattern) return `${schema.type} \`${schema.pattern}\``;
  if (schema.type === 'integer' && schema.minimum !== undefined) return `integer ≥ ${schema.minimum}`;
  return String(schema.type ?? 'value');
}

function fieldRows(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const parts = json.allOf ?? [json];
  const rows: string[] = [];
  for (const part of parts) {
    const required = new Set(part.required ?? []);
    for (const [name, field] of Object.entries(part.properties ?? {})) {
      rows.push(`| \`${name}\` | ${describeType(field)} | ${required.has(name) ? 'yes' : 'no'} |`);
    }
  }
  return rows;
}

/** The catalogue of household events and commands, as Markdown, generated from the schemas. */
export function renderCatalogue(): string {
  const lines = [
    '# schema: household events and commands',
    '',
    '<!-- Generated from the zod schemas by `npx -y pnpm@10.34.8 schema:catalogue`; a test fails when it drifts. -->',
    '',
    'Every household stream (`household-<id>`) holds only these events. Each event carries',
    'metadata: actor (id, role, unit, from the caller’s identity), `effectiveAt` (business date),',
    'reason, correlation, causation and command ids, and `schemaVersion`; the store stamps',
    '`recordedAt`. Money is in fen (integers), dates are `YYYY-MM-DD`, areas are 12-digit codes.',
    '',
    '## Events',
    '',
  ];
  for (const definition of Object.values(HouseholdEvents)) {
    lines.push(`### ${definition.type} (v${definition.version})`, '', definition.description, '');
    const rows = fieldRows(definition.schema);
    if (rows.length > 0) lines.push('| field | type | required |', '|---|---|---|', ...rows, '');
  }
  lines.push(
    '## Area reference events',
    '',
    'In `area-<code>` streams, recorded by `AreaReferenceHandler` (`RecordRuralPopulation`).',
    '',
  );
  for (const definition of Object.values(AreaEvents)) {
    lines.push(`### ${definition.type} (v${definition.version})`, '', definition.description, '');
    lines.push('| field | type | required |', '|---|---|---|', ...fieldRows(definition.schema), '');
  }
  lines.push(
    '## Policy events',
    '',
    'In the `policy` stream, recorded by `PolicyBook` (`recordPolicyVersion`, the province’s admins; the',
    'first start records today’s values). Each command’s rules read the version in force on its effective date.',
    '',
  );
  for (const definition of Object.values(PolicyEvents)) {
    lines.push(`### ${definition.type} (v${definition.version})`, '', definition.description, '');
    lines.push('| field | type | required |', '|---|---|---|', ...fieldRows(definition.schema), '');
  }
  lines.push(
    '## Commands',
    '',
    'Each command comes with an envelope: `commandId` (idempotency), `householdId`,',
    '`expectedVersion` (optional), `effectiveAt`, `reason`, `correlationId`, `causationId`.',
    '',
  );
  for (const definition of Object.values(HouseholdCommands)) {
    lines.push(`### ${definition.type}`, '', definition.description, '');
    const rows = fieldRows(definition.schema);
    if (rows.length > 0) lines.push('| field | type | required |', '|---|---|---|', ...rows, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
