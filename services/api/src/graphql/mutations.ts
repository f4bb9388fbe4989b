import {
  type CommandGuard,
  type CommandResult,
  HouseholdNotFound,
  type IssuePaths,
  type ReferenceResult,
} from '@registry/registry';
import {
  areaLevelOf,
  HOUSEHOLD_COMMAND_TYPES,
  HouseholdCommands,
  type HouseholdCommandType,
  MemberJoinReason,
  MemberLeaveReason,
} from '@registry/schema';
import { Forbidden, requireArea, requireRole, type Viewer, withinScope } from '../auth.js';
import { builder } from './builder.js';
import { enumFor, RelationEnum } from './enums.js';
import { COMMAND_ERRORS } from './errors.js';
import { EventType } from './event-type.js';
import { inputFromZod } from './zod-input.js';

const CommandSuccess = builder.objectRef<CommandResult>('CommandSuccess').implement({
  description: 'The command was decided and its events appended (or, for a repeated command id, found).',
  fields: (t) => ({
    householdId: t.exposeID('householdId'),
    version: t.exposeInt('version', {
      description: "The household's version after the command: pass it as expectedVersion next.",
    }),
    position: t.field({
      type: 'Position',
      description: 'Where the last event landed in the log; pass it as waitFor to read your own write.',
      resolve: (r) => r.position,
    }),
    duplicate: t.exposeBoolean('duplicate', {
      description: 'True when this command id had been handled before: nothing new was written.',
    }),
    events: t.field({ type: [EventType], resolve: (r) => r.events }),
  }),
});

interface EnvelopeInput {
  householdId: string;
  effectiveAt: string;
  reason?: string | null;
  correlationId?: string | null;
  causationId?: string | null;
  data?: Record<string, unknown> | null;
}

/**
 * Where a command's fields sit in a mutation's arguments: commandId and expectedVersion at the
 * top, the rest of the envelope in `input`, the command's own fields in `input.data`.
 */
const ARGUMENT_PATHS: IssuePaths = {
  envelope: (field) =>
    field === 'commandId' || field === 'expectedVersion' ? field : ['input', field].filter(Boolean).join('.'),
  data: 'input.data',
};

/**
 * Writes only within the viewer's area, before and after the command: the household must be
 * in the area as read (or, new, apply from a village in it), and must still be in it as the
 * command would leave it, so no command or correction moves a household out of the clerk's
 * reach. A household recorded elsewhere answers NotFound, as an unknown id does, so a clerk
 * cannot learn what exists outside the area.
 */
export function areaGuard(viewer: Viewer, householdId: string): CommandGuard {
  return (state, command, phase) => {
    if (viewer.scope === null) return;
    const recorded = state.household?.villageCode;
    if (phase === 'after') {
      if (recorded === undefined || withinScope(viewer.scope, recorded)) return;
      throw new Forbidden(
        `household ${householdId} would move to village ${recorded}, outside your area ${viewer.scope}`,
      );
    }
    // A household moving into the area is the area's to accept, though it lives elsewhere yet.
    const incoming =
      command.type === 'AcceptMove' &&
      state.pendingMove !== undefined &&
      withinScope(viewer.scope, state.pendingMove.toVillageCode);
    if (state.status !== 'none' && recorded !== undefined && !withinScope(viewer.scope, recorded) && !incoming) {
      throw new HouseholdNotFound(householdId);
    }
    const applying = 'household' in command.data ? command.data.household?.villageCode : undefined;
    if (state.status === 'none' && applying !== undefined) requireArea(viewer, applying, `village ${applying}`);
  };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function commandMutation(type: HouseholdCommandType) {
  const command = HouseholdCommands[type];
  const data = inputFromZod(command.schema, `${type}Data`);
  const input = builder.inputRef<EnvelopeInput>(`${type}Input`).implement({
    description: `${command.description} The envelope (household, effective date, reason) and the command's data.`,
    fields: (t) => ({
      householdId: t.id({ required: true, description: 'The household; a new one takes a client-chosen UUID.' }),
      effectiveAt: t.field({ type: 'Date', required: true, description: 'The business date the change takes effect.' }),
      reason: t.string({ description: 'Why, recorded on the event (required for corrections).' }),
      correlationId: t.id(),
      causationId: t.id(),
      ...(data.type ? { data: t.field({ type: data.type, required: data.required }) } : {}),
    }),
  });

  builder.mutationField(lowerFirst(type), (t) =>
    t.field({
      type: CommandSuccess,
      description: command.description,
      errors: { types: COMMAND_ERRORS, directResult: true, union: { name: `${type}Result` } },
      args: {
        commandId: t.arg.id({
          required: true,
          description: 'Client-chosen, at least 8 characters: the same id twice is handled once.',
        }),
        expectedVersion: t.arg.int({
          description: "The household's version you saw (-1: none yet); omitted: retry on conflict.",
        }),
        input: t.arg({ type: input, required: true }),
      },
      resolve: async (_root, args, ctx) => {
        requireRole(ctx.viewer, ['clerk', 'admin'], 'issue commands');
        const { data: dataInput, ...envelopeInput } = args.input;
        const envelope = Object.fromEntries(
          Object.entries({ ...envelopeInput, commandId: args.commandId, expectedVersion: args.expectedVersion }).filter(
            ([, v]) => v !== null && v !== undefined,
          ),
        );
        const { handler } = ctx.deps;
        const parsed = handler.parse(envelope, type, data.normalize(dataInput ?? {}), ARGUMENT_PATHS);
        const { scope } = ctx.viewer;
        return handler.run(parsed, ctx.viewer.actor, {
          guard: areaGuard(ctx.viewer, args.input.householdId),
          canSee: (village) => scope === null || withinScope(scope, village),
          // The province's admins (no area) act at province level: they record no village or county step.
          level: scope === null ? 'province' : areaLevelOf(scope),
        });
      },
    }),
  );
}

for (const type of HOUSEHOLD_COMMAND_TYPES) commandMutation(type);

const ReferenceSuccess = builder.objectRef<ReferenceResult>('ReferenceSuccess').implement({
  fields: (t) => ({
    areaCode: t.exposeString('areaCode'),
    position: t.field({ type: 'Position', resolve: (r) => r.position }),
    duplicate: t.exposeBoolean('duplicate'),
  }),
});

/** Reference commands' input without the nulls GraphQL sends for fields left out, with its command id; issues named as sent (input.*). */
const referenceCommand = (input: Record<string, unknown>, commandId: string | number) => ({
  ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)),
  commandId: String(commandId),
});
const referenceEnvelope = {
  envelope: (field: string) => (field === 'commandId' ? field : ['input', field].filter(Boolean).join('.')),
};

const RuralPopulationInput = builder.inputType('RecordRuralPopulationInput', {
  fields: (t) => ({
    areaCode: t.field({ type: 'AreaCode', required: true }),
    year: t.int({ required: true }),
    population: t.int({ required: true, description: 'Rural registered population (农村户籍人口).' }),
    effectiveAt: t.field({ type: 'Date', required: true }),
    reason: t.string(),
  }),
});

builder.mutationField('recordRuralPopulation', (t) =>
  t.field({
    type: ReferenceSuccess,
    description:
      "Records an area's rural registered population for a year: the denominator of poverty incidence. Admins only.",
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'RecordRuralPopulationResult' } },
    args: { commandId: t.arg.id({ required: true }), input: t.arg({ type: RuralPopulationInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      // The rural population is the denominator of an area's poverty incidence: the area's own
      // clerks do not set it. Reference data is the province's (an admin's) to record.
      requireRole(ctx.viewer, ['admin'], 'record reference data');
      return ctx.deps.reference.recordRuralPopulation(
        referenceCommand(args.input, args.commandId),
        ctx.viewer.actor,
        referenceEnvelope,
      );
    },
  }),
);

const NameAreaInput = builder.inputType('NameAreaInput', {
  fields: (t) => ({
    areaCode: t.field({ type: 'AreaCode', required: true }),
    areaName: t.string({ required: true, description: 'The name from the effective date (新东社区).' }),
    effectiveAt: t.field({ type: 'Date', required: true }),
    reason: t.string({ description: 'The decision it follows (民政部门批复文号).' }),
  }),
});

const MergeAreaInput = builder.inputType('MergeAreaInput', {
  fields: (t) => ({
    areaCode: t.field({ type: 'AreaCode', required: true, description: 'The area merged away.' }),
    into: t.field({ type: 'AreaCode', required: true, description: 'The area of the same level it joins.' }),
    effectiveAt: t.field({ type: 'Date', required: true }),
    reason: t.string({ description: 'The decision it follows.' }),
  }),
});

builder.mutationFields((t) => ({
  nameArea: t.field({
    type: ReferenceSuccess,
    description:
      '区划更名: names an area from a date (a renaming, or a code the national register lacks, as after a split). Admins only: the register is the province’s.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'NameAreaResult' } },
    args: { commandId: t.arg.id({ required: true }), input: t.arg({ type: NameAreaInput, required: true }) },
    resolve: (_root, args, ctx) => {
      requireRole(ctx.viewer, ['admin'], 'record reference data');
      return ctx.deps.reference.nameArea(
        referenceCommand(args.input, args.commandId),
        ctx.viewer.actor,
        referenceEnvelope,
      );
    },
  }),
  mergeArea: t.field({
    type: ReferenceSuccess,
    description:
      '撤并: merges an area into another of its level from a date; the other must be in the register or named by then. Admins only.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'MergeAreaResult' } },
    args: { commandId: t.arg.id({ required: true }), input: t.arg({ type: MergeAreaInput, required: true }) },
    resolve: (_root, args, ctx) => {
      requireRole(ctx.viewer, ['admin'], 'record reference data');
      return ctx.deps.reference.mergeArea(
        referenceCommand(args.input, args.commandId),
        ctx.viewer.actor,
        referenceEnvelope,
      );
    },
  }),
}));

const MoveSuccess = builder.objectRef<{ from: CommandResult; to: CommandResult }>('MoveSuccess').implement({
  description: 'The person left one household and joined the other, in one step.',
  fields: (t) => ({
    from: t.field({ type: CommandSuccess, resolve: (r) => r.from }),
    to: t.field({ type: CommandSuccess, resolve: (r) => r.to }),
  }),
});

const MoveMemberInput = builder.inputType('MoveMemberInput', {
  fields: (t) => ({
    fromHouseholdId: t.id({ required: true }),
    toHouseholdId: t.id({ required: true }),
    memberId: t.id({ required: true, description: 'The member of the household left.' }),
    effectiveAt: t.field({ type: 'Date', required: true }),
    leaveReason: t.field({
      type: enumFor(MemberLeaveReason),
      required: true,
      description: 'marriage, moving_out or other.',
    }),
    joinReason: t.field({
      type: enumFor(MemberJoinReason),
      required: true,
      description: 'marriage, moving_in or other.',
    }),
    relation: t.field({ type: RelationEnum, required: true, description: 'To the head of the household joined.' }),
    newHeadMemberId: t.id({ description: 'When the head leaves: the member who heads the household left.' }),
    reason: t.string(),
  }),
});

builder.mutationField('moveMember', (t) =>
  t.field({
    type: MoveSuccess,
    description:
      'Moves a person from one household to another in one step (marriage, 分户 into an existing household): the leaving, the joining and the claim on the ID number together. Both households must be in your area.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'MoveMemberResult' } },
    args: { commandId: t.arg.id({ required: true }), input: t.arg({ type: MoveMemberInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      requireRole(ctx.viewer, ['clerk', 'admin'], 'issue commands');
      const input = Object.fromEntries(Object.entries(args.input).filter(([, v]) => v !== null && v !== undefined));
      const { scope } = ctx.viewer;
      return ctx.deps.handler.moveMember({ ...input, commandId: args.commandId }, ctx.viewer.actor, {
        guard: (householdId) => areaGuard(ctx.viewer, householdId),
        canSee: (village) => scope === null || withinScope(scope, village),
      });
    },
  }),
);
