import { entryBytes, type Hash, type PersonalField } from '@registry/eventstore/log';
import { foldHistory } from '@registry/registry';
import { requireRole, withinScope } from '../auth.js';
import { personalFieldsIn } from '../mask.js';
import { builder } from './builder.js';
import type { Context, SignedHeadView } from './context.js';
import { badInput } from './problems.js';

/**
 * The tamper-evident log (docs/log.md): its signed heads, and proofs anyone can check with the
 * public key (RFC 9162): that an event is in the log under a head, and that a later head extends
 * an earlier one. Hashes and signatures carry no personal data: every signed-in role reads them.
 * An event's entry (its canonical bytes, to hash oneself) only goes to a role that sees its
 * data unmasked, within its area.
 */

export const LogHeadType = builder.objectRef<SignedHeadView>('LogHead').implement({
  description: 'A signed tree head: the log’s first treeSize events have this root, signed with Ed25519.',
  fields: (t) => ({
    treeSize: t.exposeInt('treeSize'),
    rootHash: t.string({
      description: 'SHA-256 root of the RFC 9162 tree, hex.',
      resolve: (h) => h.rootHash.toString('hex'),
    }),
    signedAt: t.field({ type: 'DateTime', resolve: (h) => h.signedAt }),
    keyId: t.exposeString('keyId', { description: 'First 16 hex digits of SHA-256 over the public key.' }),
    signature: t.string({
      description: 'Ed25519 over the canonical JSON of {log, rootHash, signedAt, treeSize}, base64.',
      resolve: (h) => h.signature.toString('base64'),
    }),
  }),
});

interface Inclusion {
  eventId: string;
  position: string;
  leafIndex: number;
  leafHash: Hash;
  entry: Buffer | null;
  /** The household whose personal data the entry carries, and which fields: recorded when the entry is read. */
  personal: { householdId: string; fields: PersonalField[] } | null;
  proof: Hash[];
  head: SignedHeadView;
  publicKey: string;
}

const LogInclusionType = builder.objectRef<Inclusion>('LogInclusionProof').implement({
  description:
    'That an event is leaf leafIndex of the tree a head signed: docs/log/verify-proof.mjs checks it with the public key alone.',
  fields: (t) => ({
    eventId: t.exposeID('eventId'),
    position: t.exposeString('position'),
    leafIndex: t.exposeInt('leafIndex'),
    leafHash: t.string({ resolve: (p) => p.leafHash.toString('hex') }),
    entry: t.string({
      nullable: true,
      description:
        'The event’s canonical entry (RFC 8785), base64, to hash oneself; null for a role that sees the event’s data masked or outside its area.',
      resolve: (p, _a, ctx) => {
        if (p.entry && p.personal) ctx.reads.note(p.personal.householdId, ...p.personal.fields);
        return p.entry?.toString('base64') ?? null;
      },
    }),
    proof: t.stringList({
      description: 'The audit path, hex, leaf first.',
      resolve: (p) => p.proof.map((h) => h.toString('hex')),
    }),
    head: t.field({ type: LogHeadType, resolve: (p) => p.head }),
    publicKey: t.exposeString('publicKey', { description: 'The Ed25519 public key, SPKI PEM.' }),
  }),
});

interface Consistency {
  first: SignedHeadView;
  second: SignedHeadView;
  proof: Hash[];
}

const LogConsistencyType = builder.objectRef<Consistency>('LogConsistencyProof').implement({
  description:
    'That the later head’s tree extends the earlier one’s: nothing sealed under the first was changed since.',
  fields: (t) => ({
    first: t.field({ type: LogHeadType, resolve: (p) => p.first }),
    second: t.field({ type: LogHeadType, resolve: (p) => p.second }),
    proof: t.stringList({ resolve: (p) => p.proof.map((h) => h.toString('hex')) }),
  }),
});

/** The head of that size, or the latest; refused by name when none was signed. */
async function headOf(ctx: Context, treeSize: number | null | undefined, field: string): Promise<SignedHeadView> {
  const head = await ctx.deps.log.head(treeSize ?? undefined);
  if (!head) {
    throw badInput(
      field,
      treeSize == null ? 'no head has been signed yet' : `no head was signed for ${treeSize} events`,
    );
  }
  return head;
}

/** Whether the viewer may read the event's data unmasked: not an assessor, and its household within the area. */
async function mayReadEntry(ctx: Context, stream: string): Promise<boolean> {
  if (ctx.viewer.masked) return false;
  if (!stream.startsWith('household-') || ctx.viewer.scope === null) return true;
  // From the household's own stream, not a read model that may not have it yet.
  const village = foldHistory(await ctx.history(stream.slice('household-'.length))).household?.villageCode;
  return Boolean(village && withinScope(ctx.viewer.scope, village));
}

builder.queryFields((t) => ({
  logHead: t.field({
    type: LogHeadType,
    nullable: true,
    description: 'The latest signed head of the log, or the one signed for treeSize events; null before any.',
    args: { treeSize: t.arg.int() },
    resolve: (_r, args, ctx) => ctx.deps.log.head(args.treeSize ?? undefined),
  }),
  logHeads: t.field({
    type: [LogHeadType],
    description: 'Signed heads, newest first: at most `first` (100), of fewer events than `before` when given.',
    args: { first: t.arg.int({ defaultValue: 20 }), before: t.arg.int() },
    resolve: (_r, args, ctx) => {
      const first = args.first ?? 20;
      if (first < 1 || first > 100) throw badInput('first', 'must be between 1 and 100');
      return ctx.deps.log.heads(first, args.before ?? undefined);
    },
  }),
  logPublicKey: t.string({
    description: 'The Ed25519 public key (SPKI PEM) the log’s heads are signed with.',
    resolve: (_r, _a, ctx) => ctx.deps.log.publicKeyPem(),
  }),
  logInclusionProof: t.field({
    type: LogInclusionType,
    description: 'That an event is in the log under the latest head, or the head signed for treeSize events.',
    args: { eventId: t.arg.id({ required: true }), treeSize: t.arg.int() },
    resolve: async (_r, args, ctx) => {
      const eventId = String(args.eventId);
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(eventId)) {
        throw badInput('logInclusionProof.eventId', 'must be an event id (a UUID)');
      }
      const head = await headOf(ctx, args.treeSize, 'treeSize');
      const leaf = await ctx.deps.log.leaf(eventId);
      if (!leaf)
        throw badInput(
          'logInclusionProof.eventId',
          'is not in the sealed log (no such event, or appended since the last seal)',
        );
      if (leaf.index >= head.treeSize) {
        throw badInput(
          'logInclusionProof.eventId',
          `was sealed as leaf ${leaf.index}, after the head of ${head.treeSize} events`,
        );
      }
      let entry: Buffer | null = null;
      let personal: Inclusion['personal'] = null;
      if (await mayReadEntry(ctx, leaf.stream)) {
        const [event] = await ctx.deps.eventStore.readStream(leaf.stream, { fromRevision: leaf.revision, maxCount: 1 });
        if (event?.id === eventId) {
          entry = entryBytes(event, leaf.prev);
          const fields = [...personalFieldsIn(event.data)] as PersonalField[];
          if (fields.length > 0 && leaf.stream.startsWith('household-')) {
            personal = { householdId: leaf.stream.slice('household-'.length), fields };
          }
        }
      }
      return {
        eventId,
        position: leaf.position,
        leafIndex: leaf.index,
        leafHash: leaf.hash,
        entry,
        personal,
        proof: await ctx.deps.log.inclusionProof(leaf.index, head.treeSize),
        head,
        publicKey: ctx.deps.log.publicKeyPem(),
      };
    },
  }),
  logConsistencyProof: t.field({
    type: LogConsistencyType,
    description: 'That the head signed for `second` events extends the one signed for `first`.',
    args: { first: t.arg.int({ required: true }), second: t.arg.int({ required: true }) },
    resolve: async (_r, args, ctx) => {
      if (args.first < 1 || args.first > args.second) {
        throw badInput('logConsistencyProof.first', 'must be at least 1 and no more than second');
      }
      const [first, second] = [
        await headOf(ctx, args.first, 'logConsistencyProof.first'),
        await headOf(ctx, args.second, 'logConsistencyProof.second'),
      ];
      return { first, second, proof: await ctx.deps.log.consistencyProof(first.treeSize, second.treeSize) };
    },
  }),
}));

builder.mutationField('signLogHead', (t) =>
  t.field({
    type: LogHeadType,
    description: 'Seals what was appended and signs the head now (an evaluator before a check, an admin).',
    resolve: async (_r, _a, ctx) => {
      requireRole(ctx.viewer, ['admin', 'evaluator'], 'sign the log’s head');
      return ctx.deps.log.signNow();
    },
  }),
);
