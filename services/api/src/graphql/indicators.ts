import {
  type AreaIndicators,
  areaIndicators,
  type MonitoringIndicators,
  monitoringIndicators,
} from '@registry/projections';
import { chinaDate } from '@registry/schema';
import { builder } from './builder.js';
import type { Context } from './context.js';
import {
  AlertChannelEnum,
  AlertOutcomeEnum,
  AssistanceCategoryEnum,
  FundingSourceEnum,
  MonitoringCategoryEnum,
} from './enums.js';
import { knownAtOrNow, readYourWrites } from './household.js';
import { HouseholdStatusEnum } from './household-types.js';
import { LogHeadType } from './log.js';
import { badInput } from './problems.js';
import { requireAreaCode } from './snapshot.js';

type Counts = { households: number; people: number };

const StatusPeople = builder.objectRef<Counts & { status: string }>('StatusPeople').implement({
  fields: (t) => ({
    status: t.field({ type: HouseholdStatusEnum, resolve: (s) => s.status as 'registered' }),
    households: t.exposeInt('households'),
    people: t.exposeInt('people'),
  }),
});

const EndOfYear = builder.objectRef<AreaIndicators['endOfYear']>('EndOfYear').implement({
  description: 'As effective on 31 December, as known at knownAt.',
  fields: (t) => ({
    registeredHouseholds: t.exposeInt('registeredHouseholds', { description: 'Registered or returned: on the roll.' }),
    registeredPeople: t.exposeInt('registeredPeople'),
    monitoredHouseholds: t.exposeInt('monitoredHouseholds'),
    byStatus: t.field({
      type: [StatusPeople],
      resolve: (e) => Object.entries(e.byStatus).map(([status, c]) => ({ status, ...c })),
    }),
  }),
});

const During = builder.objectRef<AreaIndicators['during']>('TransitionsDuringYear').implement({
  description: 'Transitions effective during the year.',
  fields: (t) => ({
    registrations: t.exposeInt('registrations'),
    exits: t.exposeInt('exits', { description: 'Exits approved in the year that stand (not annulled as wrong).' }),
    wrongExits: t.exposeInt('wrongExits', {
      description: '错退: exits of the year annulled as wrong by a review, inspection or assessment.',
    }),
    returns: t.exposeInt('returns'),
    removals: t.exposeInt('removals'),
    naturalDecreases: t.exposeInt('naturalDecreases'),
  }),
});

const VisitCompliance = builder.objectRef<AreaIndicators['visits']>('VisitCompliance').implement({
  fields: (t) => ({
    minimumPerYear: t.exposeInt('minimumPerYear'),
    householdsOnRoll: t.exposeInt('householdsOnRoll'),
    compliant: t.exposeInt('compliant'),
    rate: t.float({ nullable: true, resolve: (v) => v.rate }),
  }),
});

const FiveItemsMissing = builder.objectRef<AreaIndicators['fiveItems']['missing']>('FiveItemsMissing').implement({
  fields: (t) => ({
    cause: t.exposeInt('cause'),
    attribute: t.exposeInt('attribute'),
    measures: t.exposeInt('measures'),
    helper: t.exposeInt('helper'),
    funds: t.exposeInt('funds'),
  }),
});

const FiveItems = builder.objectRef<AreaIndicators['fiveItems']>('FiveItems').implement({
  description: '五项落实: cause, attribute, measures, helper and funds all recorded.',
  fields: (t) => ({
    households: t.exposeInt('households'),
    complete: t.exposeInt('complete'),
    missing: t.field({ type: FiveItemsMissing, resolve: (f) => f.missing }),
  }),
});

const Funds = builder.objectRef<AreaIndicators['funds'][number]>('FundsByCategory').implement({
  fields: (t) => ({
    category: t.field({ type: AssistanceCategoryEnum, resolve: (f) => f.category as 'other' }),
    fundingSource: t.field({ type: FundingSourceEnum, resolve: (f) => f.fundingSource as 'other' }),
    plannedFen: t.field({ type: 'Fen', resolve: (f) => f.plannedFen }),
    deliveredFen: t.field({ type: 'Fen', resolve: (f) => f.deliveredFen }),
  }),
});

type Alerts = MonitoringIndicators['alerts'];
type Monitoring = MonitoringIndicators['monitoring'];

const ChannelCount = builder.objectRef<Alerts['byChannel'][number]>('AlertChannelCount').implement({
  fields: (t) => ({
    channel: t.field({ type: AlertChannelEnum, resolve: (c) => c.channel as 'petition' }),
    count: t.exposeInt('count'),
  }),
});

const OutcomeCount = builder.objectRef<Alerts['byOutcome'][number]>('AlertOutcomeCount').implement({
  fields: (t) => ({
    outcome: t.field({ type: AlertOutcomeEnum, resolve: (c) => c.outcome as 'excluded' }),
    count: t.exposeInt('count'),
  }),
});

const AlertFigures = builder.objectRef<Alerts>('AlertIndicators').implement({
  description:
    '风险预警 raised in the year (effective date) by the area’s households, and their verification as known at knownAt.',
  fields: (t) => ({
    raised: t.exposeInt('raised'),
    byChannel: t.field({ type: [ChannelCount], resolve: (a) => a.byChannel }),
    verified: t.exposeInt('verified', { description: '入户核实 recorded.' }),
    verifiedInTime: t.exposeInt('verifiedInTime', { description: 'Verified by the alert’s date (the policy’s days).' }),
    due: t.exposeInt('due', {
      description: 'Verified, or unverified and past the date: the alerts whose outcome was due.',
    }),
    inTimeRate: t.float({
      nullable: true,
      description: 'verifiedInTime ÷ due; null when none was due.',
      resolve: (a) => a.inTimeRate,
    }),
    pending: t.exposeInt('pending', { description: 'Not yet verified.' }),
    overdue: t.exposeInt('overdue', {
      description: 'Not yet verified and past the date, on the day knownAt falls on in China.',
    }),
    byOutcome: t.field({ type: [OutcomeCount], resolve: (a) => a.byOutcome }),
  }),
});

const CategoryStarted = builder
  .objectRef<Monitoring['startedByCategory'][number]>('MonitoringCategoryStarted')
  .implement({
    fields: (t) => ({
      category: t.field({ type: MonitoringCategoryEnum, resolve: (c) => c.category as 'edge_vulnerable' }),
      households: t.exposeInt('households'),
    }),
  });

const CategoryPeople = builder
  .objectRef<Monitoring['endOfYear']['byCategory'][number]>('MonitoringCategoryPeople')
  .implement({
    fields: (t) => ({
      category: t.field({ type: MonitoringCategoryEnum, resolve: (c) => c.category as 'edge_vulnerable' }),
      households: t.exposeInt('households'),
      people: t.exposeInt('people'),
    }),
  });

const RiskHouseholds = builder.objectRef<Monitoring['endOfYear']['byRisk'][number]>('MonitoringRiskCount').implement({
  fields: (t) => ({
    risk: t.exposeString('risk', {
      description: 'A RiskType value; a monitoring recorded before the regime may name its risk in words.',
    }),
    households: t.exposeInt('households'),
  }),
});

const MonitoredAtEnd = builder.objectRef<Monitoring['endOfYear']>('MonitoredAtEndOfYear').implement({
  description: 'Households monitored on 31 December, as known at knownAt.',
  fields: (t) => ({
    households: t.exposeInt('households'),
    people: t.exposeInt('people'),
    byCategory: t.field({ type: [CategoryPeople], resolve: (m) => m.byCategory }),
    byRisk: t.field({ type: [RiskHouseholds], resolve: (m) => m.byRisk }),
    withMeasures: t.exposeInt('withMeasures', {
      description: 'With a measure of the year planned by 31 December and not cancelled by then.',
    }),
    withMeasuresRate: t.float({ nullable: true, resolve: (m) => m.withMeasuresRate }),
  }),
});

const MonitoringFigures = builder.objectRef<MonitoringIndicators>('MonitoringIndicators').implement({
  description:
    '防返贫动态监测 of the area’s households for the year (counted where each stood on 31 December), as known at knownAt.',
  fields: (t) => ({
    alerts: t.field({ type: AlertFigures, resolve: (m) => m.alerts }),
    started: t.int({
      description: 'Monitoring periods begun in the year (纳入监测).',
      resolve: (m) => m.monitoring.started,
    }),
    startedByCategory: t.field({ type: [CategoryStarted], resolve: (m) => m.monitoring.startedByCategory }),
    eliminated: t.int({ description: '风险消除 in the year.', resolve: (m) => m.monitoring.eliminated }),
    returnedToPoverty: t.int({
      description: '返贫: monitored households that fell back into poverty in the year.',
      resolve: (m) => m.monitoring.returnedToPoverty,
    }),
    naturallyEnded: t.int({
      description: '自然消除: monitoring ended because the household is gone (自然减少), kept apart from 风险消除.',
      resolve: (m) => m.monitoring.naturallyEnded,
    }),
    endOfYear: t.field({ type: MonitoredAtEnd, resolve: (m) => m.monitoring.endOfYear }),
  }),
});

const Indicators = builder.objectRef<AreaIndicators>('AreaIndicators').implement({
  description: 'The assessment view of an area for a year.',
  fields: (t) => ({
    areaCode: t.exposeString('areaCode'),
    year: t.exposeInt('year'),
    knownAt: t.field({
      type: 'DateTime',
      description: 'Pass this back to repeat the answer.',
      resolve: (i) => i.knownAt,
    }),
    logHead: t.field({
      type: LogHeadType,
      nullable: true,
      description:
        'A head of the tamper-evident log under which every event this answer rests on lies (logInclusionProof with its treeSize): the first signed at or after knownAt, or the latest when the log has not grown since. Null until one is signed (each minute while the log grows; signLogHead on demand).',
      resolve: async (i, _a, ctx) => (await ctx.deps.log.headSignedSince(i.knownAt)) ?? null,
    }),
    endOfYear: t.field({ type: EndOfYear, resolve: (i) => i.endOfYear }),
    during: t.field({ type: During, resolve: (i) => i.during }),
    ruralPopulation: t.int({ nullable: true, resolve: (i) => i.ruralPopulation }),
    povertyIncidence: t.float({
      nullable: true,
      description: 'Registered poor people not yet exited ÷ rural registered population; null without the population.',
      resolve: (i) => i.povertyIncidence,
    }),
    visits: t.field({ type: VisitCompliance, resolve: (i) => i.visits }),
    fiveItems: t.field({ type: FiveItems, resolve: (i) => i.fiveItems }),
    funds: t.field({ type: [Funds], resolve: (i) => i.funds }),
    exitsMissingEvidence: t.exposeInt('exitsMissingEvidence'),
    monitoring: t.field({
      type: MonitoringFigures,
      description: '防返贫动态监测: alerts, their verification, monitored households, risk elimination.',
      complexity: 5,
      resolve: (i, _args, ctx) =>
        monitoringIndicators(ctx.deps.pool, ctx.deps.projections.registry, {
          areaCode: i.areaCode,
          year: i.year,
          knownAt: i.knownAt,
          today: chinaDate(new Date(i.knownAt)),
        }),
    }),
  }),
});

async function indicatorsFor(ctx: Context, areaCode: string, year: number, knownAt: string): Promise<AreaIndicators> {
  if (year < 2000 || year > 2100) throw badInput('year', 'must be between 2000 and 2100');
  requireAreaCode(ctx, areaCode);
  // The visit minimum of the version in force at the year's end.
  const policy = (await ctx.deps.policies.timeline()).at(`${year}-12-31`);
  return areaIndicators(ctx.deps.pool, ctx.deps.projections, { areaCode, year, policy, knownAt });
}

builder.queryFields((t) => ({
  areaIndicators: t.field({
    type: Indicators,
    description: 'Assessment indicators of a county, township or village for a year.',
    args: {
      areaCode: t.arg({ type: 'AreaCode', required: true }),
      year: t.arg.int({ required: true }),
      knownAt: t.arg({
        type: 'DateTime',
        description:
          'System time the registry is read as known at; default now (echoed back): the same knownAt gives the same answer.',
      }),
      waitFor: t.arg({ type: 'Position' }),
    },
    resolve: async (_root, args, ctx) => {
      await readYourWrites(ctx, args.waitFor);
      return indicatorsFor(ctx, args.areaCode, args.year, knownAtOrNow(ctx, args.knownAt, 'knownAt'));
    },
  }),
  areaIndicatorSeries: t.field({
    type: [Indicators],
    description: 'The indicators year by year, for trends (at most 30 years).',
    args: {
      areaCode: t.arg({ type: 'AreaCode', required: true }),
      fromYear: t.arg.int({ required: true }),
      toYear: t.arg.int({ required: true }),
      knownAt: t.arg({ type: 'DateTime', description: 'As for areaIndicators; default now.' }),
    },
    complexity: (args) => ({ field: 5 * Math.max(1, args.toYear - args.fromYear + 1), multiplier: 1 }),
    resolve: async (_root, args, ctx) => {
      if (args.toYear < args.fromYear || args.toYear - args.fromYear >= 30) {
        throw badInput('toYear', 'must be from fromYear to fromYear + 29');
      }
      const years = Array.from({ length: args.toYear - args.fromYear + 1 }, (_, i) => args.fromYear + i);
      const series: AreaIndicators[] = [];
      // One year after another: each is several queries, and the pool is shared.
      const knownAt = knownAtOrNow(ctx, args.knownAt, 'knownAt');
      for (const year of years) series.push(await indicatorsFor(ctx, args.areaCode, year, knownAt));
      return series;
    },
  }),
}));
