import { resolveCursorConnection } from '@pothos/plugin-relay';
import type { PersonalField } from '@registry/eventstore/log';
import { type AuditQuery, type AuditRow, auditTrail } from '@registry/projections';
import { requireRole } from '../auth.js';
import { maskPersonalData, personalFieldsIn } from '../mask.js';
import { builder, pageComplexity } from './builder.js';
import { RoleEnum } from './enums.js';
import { readYourWrites } from './household.js';
import { badInput } from './problems.js';
import { isHouseholdId, listArea } from './roll-data.js';

const AuditEntry = builder.objectRef<AuditRow>('AuditEntry').implement({
  description: 'One event, flattened: who, when on both clocks, why, and what it changed.',
  fields: (t) => ({
    position: t.field({ type: 'Position', resolve: (r) => r.position }),
    eventId: t.id({ resolve: (r) => r.eventId }),
    householdId: t.id({ resolve: (r) => r.householdId }),
    revision: t.int({ resolve: (r) => r.revision }),
    eventType: t.string({ resolve: (r) => r.eventType }),
    actorId: t.string({ resolve: (r) => r.actorId }),
    actorRole: t.field({ type: RoleEnum, resolve: (r) => r.actorRole as 'clerk' }),
    actorUnit: t.string({ resolve: (r) => r.actorUnit }),
    recordedAt: t.field({ type: 'DateTime', resolve: (r) => r.recordedAt }),
    effectiveAt: t.field({ type: 'Date', resolve: (r) => r.effectiveAt }),
    reason: t.string({ nullable: true, resolve: (r) => r.reason }),
    commandId: t.string({ nullable: true, resolve: (r) => r.commandId }),
    correlationId: t.id({ nullable: true, resolve: (r) => r.correlationId }),
    causationId: t.id({ nullable: true, resolve: (r) => r.causationId }),
    villageCode: t.string({ nullable: true, resolve: (r) => r.villageCode }),
    cardNumber: t.string({
      nullable: true,
      description: 'The household’s card number (户编号) now; null before registration.',
      resolve: (r) => r.cardNumber,
    }),
    changes: t.field({
      type: 'JSON',
      description: 'The fields the event changed.',
      resolve: (r, _a, ctx) => {
        if (ctx.viewer.masked) return maskPersonalData(r.changes);
        ctx.reads.note(r.householdId, ...(personalFieldsIn(r.changes) as Set<PersonalField>));
        return r.changes;
      },
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
      const areaCode = listArea(ctx, f.areaCode);
      if (f.householdId !== null && f.householdId !== undefined && !isHouseholdId(String(f.householdId))) {
        throw badInput('filter.householdId', 'must be a UUID');
      }
      const query: AuditQuery = {
        ...f,
        areaCode,
        householdId: f.householdId === null || f.householdId === undefined ? null : String(f.householdId),
      };
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
          return auditTrail(ctx.deps.pool, ctx.deps.projections.registry, query, {
            after,
            before,
            limit,
            descending: inverted,
          });
        },
      );
    },
  }),
);
