import { alertQueue } from '@registry/projections';
import { chinaDate } from '@registry/schema';
import { requireArea } from '../auth.js';
import { builder } from './builder.js';
import { readYourWrites } from './household.js';
import { HouseholdStatusEnum, RiskAlertType } from './household-types.js';

type Queue = Awaited<ReturnType<typeof alertQueue>>;

const QueuedAlertType = builder.objectRef<Queue['items'][number]>('QueuedRiskAlert').implement({
  description: 'An alert on the area’s queue, with the household it is about.',
  fields: (t) => ({
    householdId: t.exposeID('householdId'),
    cardNumber: t.string({ nullable: true, resolve: (q) => q.cardNumber }),
    status: t.field({ type: HouseholdStatusEnum, resolve: (q) => q.status as 'exited' }),
    villageCode: t.string({ nullable: true, resolve: (q) => q.villageCode }),
    address: t.string({ nullable: true, resolve: (q) => q.address }),
    alert: t.field({ type: RiskAlertType, resolve: (q) => q.alert }),
  }),
});

const AlertQueueType = builder.objectRef<Queue>('RiskAlertQueue').implement({
  description: '风险预警 of an area: how many wait for verification, how many of those are overdue, and the alerts.',
  fields: (t) => ({
    pending: t.exposeInt('pending', { description: 'Alerts not yet verified.' }),
    overdue: t.exposeInt('overdue', { description: 'Of those, the ones past their verification date.' }),
    items: t.field({ type: [QueuedAlertType], resolve: (q) => q.items }),
  }),
});

builder.queryField('riskAlerts', (t) =>
  t.field({
    type: AlertQueueType,
    description:
      '风险预警 queue of an area: alerts not yet verified, overdue first (the longest overdue on top), then by date due; with pending: false the verified ones follow, latest first (at most 500 in all).',
    args: {
      areaCode: t.arg({ type: 'AreaCode', required: true }),
      pending: t.arg.boolean({ defaultValue: true, description: 'Only the alerts not yet verified.' }),
      waitFor: t.arg({ type: 'Position', description: 'A position a mutation returned.' }),
    },
    resolve: async (_r, args, ctx) => {
      requireArea(ctx.viewer, args.areaCode, `area ${args.areaCode}`);
      await readYourWrites(ctx, args.waitFor);
      return alertQueue(ctx.deps.pool, ctx.deps.projections.registry, {
        areaCode: args.areaCode,
        today: chinaDate(new Date(ctx.now)),
        pending: args.pending ?? true,
        limit: 500,
      });
    },
  }),
);
