import { resolveCursorConnection } from '@pothos/plugin-relay';
import { PERSONAL_FIELDS, type ReadRecord } from '@registry/eventstore/log';
import { requireRole } from '../auth.js';
import { countReads, type ReadQuery, type ReadVolume, readRecords, readVolumes } from '../read-access.js';
import { builder, pageComplexity } from './builder.js';
import { enumOf } from './enums.js';
import { badInput } from './problems.js';
import { isHouseholdId } from './roll-data.js';

const PersonalFieldEnum = enumOf('PersonalDataField', [...PERSONAL_FIELDS]);

const ReadAccessRecord = builder.objectRef<ReadRecord>('ReadAccessRecord').implement({
  description:
    'A read of personal data (个人信息查询记录): who read which households’ which fields, when, how and why. Append-only, chained and signed with the log.',
  fields: (t) => ({
    seq: t.exposeInt('seq', { description: 'Its place in the chain of reads, from 1.' }),
    readAt: t.field({ type: 'DateTime', resolve: (r) => r.readAt }),
    actorId: t.exposeString('actor'),
    actorRole: t.exposeString('role'),
    actorUnit: t.exposeString('unit'),
    scope: t.string({
      nullable: true,
      description: 'The reader’s area; null for every area.',
      resolve: (r) => r.scope,
    }),
    operation: t.exposeString('operation', { description: 'e.g. `query household`, `GET /export/snapshot …`.' }),
    purpose: t.string({
      nullable: true,
      description: 'The purpose stated for a bulk read.',
      resolve: (r) => r.purpose,
    }),
    householdCount: t.int({ resolve: (r) => r.households.length }),
    households: t.idList({
      description:
        'The households read (at most `first`, 200 by default); `finding:<id>` for someone found on site and not registered.',
      args: { first: t.arg.int({ defaultValue: 200 }) },
      resolve: (r, args) => r.households.slice(0, Math.max(0, Math.min(args.first ?? 200, 100_000))),
    }),
    fields: t.field({ type: [PersonalFieldEnum], resolve: (r) => r.fields as 'name'[] }),
    hash: t.string({ description: 'Its hash in the chain, hex.', resolve: (r) => r.hash.toString('hex') }),
  }),
});

const ReadVolumeType = builder.objectRef<ReadVolume>('ReadVolume').implement({
  description: 'A reader’s volume in a period beside what they usually read; flagged when far above it.',
  fields: (t) => ({
    actorId: t.exposeString('actor'),
    actorRole: t.exposeString('role'),
    actorUnit: t.exposeString('unit'),
    reads: t.exposeInt('reads'),
    households: t.exposeInt('households', { description: 'Distinct households read in the period.' }),
    usual: t.exposeFloat('usual', {
      description: 'Distinct households per day over the 28 days before, times the period’s days.',
    }),
    flagged: t.exposeBoolean('flagged', {
      description: 'More than three times the usual, and more than 100 households.',
    }),
  }),
});

const ReadAccessFilter = builder.inputType('ReadAccessFilter', {
  fields: (t) => ({
    actorId: t.string(),
    householdId: t.id(),
    from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
  }),
});

const SEQ = /^[1-9]\d{0,15}$/;

/** The filter as the store takes it: a household id must be one (or a finding's `finding:<uuid>`). */
export function readQueryOf(f: {
  actorId?: string | null;
  householdId?: string | number | null;
  from?: string | null;
  to?: string | null;
}): ReadQuery {
  const householdId = f.householdId === null || f.householdId === undefined ? null : String(f.householdId);
  if (householdId !== null && !isHouseholdId(householdId.replace(/^finding:/, ''))) {
    throw badInput('filter.householdId', 'must be a UUID');
  }
  if (f.actorId !== null && f.actorId !== undefined && (f.actorId.length === 0 || f.actorId.length > 128)) {
    throw badInput('filter.actorId', 'must be 1 to 128 characters');
  }
  return { actorId: f.actorId ?? null, householdId, from: f.from ?? null, to: f.to ?? null };
}

builder.queryFields((t) => ({
  readAccess: t.connection(
    {
      type: ReadAccessRecord,
      description: 'Reads of personal data, newest first, for admins: by actor, household, time.',
      complexity: pageComplexity,
      args: { filter: t.arg({ type: ReadAccessFilter }) },
      resolve: async (_root, args, ctx) => {
        requireRole(ctx.viewer, ['admin'], 'read the record of reads of personal data');
        const query = readQueryOf(args.filter ?? {});
        const page = await resolveCursorConnection<Promise<ReadRecord[]>>(
          { args, toCursor: (r: ReadRecord) => String(r.seq), defaultSize: 50, maxSize: 500 },
          async ({ before, after, limit, inverted }) => {
            for (const [name, cursor] of [
              ['after', after],
              ['before', before],
            ] as const) {
              if (cursor !== undefined && !SEQ.test(cursor))
                throw badInput(name, 'must be a cursor from this connection');
            }
            // Newest first: "after" a cursor is an older (smaller) sequence number.
            return readRecords(ctx.deps.pool, query, {
              ...(after !== undefined ? { before: Number(after) } : {}),
              ...(before !== undefined ? { after: Number(before) } : {}),
              limit,
              ascending: inverted,
            });
          },
        );
        return { ...page, totalCount: () => countReads(ctx.deps.pool, query) };
      },
    },
    {
      fields: (c) => ({
        totalCount: c.int({
          description: 'Reads matching the filter.',
          resolve: (connection) => (connection as unknown as { totalCount: () => Promise<number> }).totalCount(),
        }),
      }),
    },
  ),
  readVolumes: t.field({
    type: [ReadVolumeType],
    description:
      'Each reader’s volume in [from, to) beside their usual; most households first. For admins: who read far more than usual.',
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: async (_root, args, ctx) => {
      requireRole(ctx.viewer, ['admin'], 'read the record of reads of personal data');
      if (args.to <= args.from) throw badInput('to', 'must be after from');
      return readVolumes(ctx.deps.pool, args.from, args.to);
    },
  }),
}));
