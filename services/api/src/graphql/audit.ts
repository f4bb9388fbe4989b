import { resolveCursorConnection } from '@pothos/plugin-relay';
import { requireRole } from '../auth.js';
import { maskPersonalData } from '../mask.js';
import { builder, pageComplexity } from './builder.js';
import { RoleEnum } from './enums.js';
import { readYourWrites } from './household.js';
import { badInput } from './problems.js';
import { areaFilter, UUID } from './roll-data.js';

interface AuditRow {
  position: string;
  event_id: string;
  household_id: string;
  revision: string;
  event_type: string;
  actor_id: string;
  actor_role: string;
  actor_unit: string;
  recorded_at: Date;
  effective_at: string;
  reason: string | null;
  command_id: string | null;
  correlation_id: string | null;
  causation_id: string | null;
  village_code: string | null;
  changes: unknown;
}

const AuditEntry = builder.objectRef<AuditRow>('AuditEntry').implement({
  description: 'One event, flattened: who, when on both clocks, why, and what it changed.',
  fields: (t) => ({
    position: t.field({ type: 'Position', resolve: (r) => r.position }),
    eventId: t.id({ resolve: (r) => r.event_id }),
    householdId: t.id({ resolve: (r) => r.household_id }),
    revision: t.int({ resolve: (r) => Number(r.revision) }),
    eventType: t.string({ resolve: (r) => r.event_type }),
    actorId: t.string({ resolve: (r) => r.actor_id }),
    actorRole: t.field({ type: RoleEnum, resolve: (r) => r.actor_role as 'clerk' }),
    actorUnit: t.string({ resolve: (r) => r.actor_unit }),
    recordedAt: t.field({ type: 'DateTime', resolve: (r) => r.recorded_at.toISOString() }),
    effectiveAt: t.field({ type: 'Date', resolve: (r) => r.effective_at }),
    reason: t.string({ nullable: true, resolve: (r) => r.reason }),
    commandId: t.string({ nullable: true, resolve: (r) => r.command_id }),
    correlationId: t.id({ nullable: true, resolve: (r) => r.correlation_id }),
    causationId: t.id({ nullable: true, resolve: (r) => r.causation_id }),
    villageCode: t.string({ nullable: true, resolve: (r) => r.village_code }),
    changes: t.field({
      type: 'JSON',
      description: 'The fields the event changed.',
      resolve: (r, _a, ctx) => (ctx.viewer.masked ? maskPersonalData(r.changes) : r.changes),
    }),
  }),
});

const AuditFilter = builder.inputType('AuditFilter', {
  fields: (t) => ({
    actorId: t.string(),
    areaCode: t.field({ type: 'AreaCode', description: 'County, township or village (default: your area).' }),
    householdId: t.id(),
    eventType: t.string(),
    recordedFrom: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    recordedTo: t.field({ type: 'DateTime', description: 'Exclusive.' }),
  }),
});

const POSITION = /^[0-9a-f]{16}-[0-9a-f]{16}$/;

builder.queryField('auditTrail', (t) =>
  t.connection({
    type: AuditEntry,
    description: 'The audit trail in log order, for evaluators: by actor, area, time range, event type.',
    complexity: pageComplexity,
    args: { filter: t.arg({ type: AuditFilter }), waitFor: t.arg({ type: 'Position' }) },
    resolve: async (_root, args, ctx) => {
      requireRole(ctx.viewer, ['clerk', 'evaluator', 'admin'], 'read the audit trail');
      await readYourWrites(ctx, args.waitFor);
      const f = args.filter ?? {};
      const filter = areaFilter(ctx, f.areaCode);
      const { params, where } = filter;
      const p = filter.param;
      if (f.actorId) where.push(`actor_id = ${p(f.actorId)}`);
      if (f.householdId) {
        if (!UUID.test(String(f.householdId))) throw badInput('filter.householdId', 'must be a UUID');
        where.push(`household_id = ${p(String(f.householdId))}::uuid`);
      }
      if (f.eventType) where.push(`event_type = ${p(f.eventType)}`);
      if (f.recordedFrom) where.push(`recorded_at >= ${p(f.recordedFrom)}::timestamptz`);
      if (f.recordedTo) where.push(`recorded_at < ${p(f.recordedTo)}::timestamptz`);
      return resolveCursorConnection<Promise<AuditRow[]>>(
        { args, toCursor: (r: AuditRow) => r.position, defaultSize: 50, maxSize: 500 },
        async ({ before, after, limit, inverted }) => {
          for (const [name, cursor] of [
            ['after', after],
            ['before', before],
          ] as const) {
            if (cursor !== undefined && !POSITION.test(cursor)) {
              throw badInput(name, 'must be a cursor from this connection');
            }
          }
          const page: string[] = [];
          if (after) page.push(`position > ${p(after)}`);
          if (before) page.push(`position < ${p(before)}`);
          const result = await ctx.deps.pool.query<AuditRow>(
            `SELECT position, event_id, household_id, revision, event_type, actor_id, actor_role, actor_unit,
                    recorded_at, to_char(effective_at, 'YYYY-MM-DD') AS effective_at, reason, command_id,
                    correlation_id, causation_id, village_code, changes
               FROM ${ctx.deps.projections.registry.tables.audit}
              WHERE ${filter.sql(page)}
              ORDER BY position ${inverted ? 'DESC' : 'ASC'} LIMIT ${p(limit)}`,
            params,
          );
          return result.rows;
        },
      );
    },
  }),
);
