import type { PolicyVersion } from '@registry/registry';
import { caseStepDuties } from '@registry/registry';
import { chinaDate, type Duty, type MonitoringRegime } from '@registry/schema';
import { Forbidden, requireRole } from '../auth.js';
import { builder } from './builder.js';
import { COMMAND_ERRORS } from './errors.js';

/**
 * Policy as data (#15 item 7): the versions an admin records, each whole and effective from a
 * date. The rules of every command read the version in force on its effective date.
 */

const IncomeLine = builder.objectRef<{ year: number; lineFen: number }>('PolicyIncomeLine').implement({
  fields: (t) => ({ year: t.exposeInt('year'), lineFen: t.exposeInt('lineFen', { description: 'Per capita, fen.' }) }),
});

const ProvincialLine = builder
  .objectRef<{ province: string; year: number; lineFen: number }>('PolicyProvincialLine')
  .implement({
    fields: (t) => ({
      province: t.exposeString('province', { description: 'Two-digit province code.' }),
      year: t.exposeInt('year'),
      lineFen: t.exposeInt('lineFen'),
    }),
  });

const DutyLevels = builder.objectRef<{ duty: string; levels: string[] }>('PolicyDutyLevels').implement({
  description: 'The area levels whose clerks may record a step (村申请、乡审核、县审批).',
  fields: (t) => ({ duty: t.exposeString('duty'), levels: t.exposeStringList('levels') }),
});

const DutyPair = builder.objectRef<{ first: string; second: string }>('PolicyDutyPair').implement({
  description: 'Two steps one person may not both record in one case.',
  fields: (t) => ({ first: t.exposeString('first'), second: t.exposeString('second') }),
});

const Thresholds = builder.objectRef<{ standard: number; west: number }>('PolicyExitThresholds').implement({
  description: 'Poverty incidence below which a poor village or county exits (the west its own).',
  fields: (t) => ({ standard: t.exposeFloat('standard'), west: t.exposeFloat('west') }),
});

const MonitoringStandard = builder
  .objectRef<{ year: number; standardFen: number }>('PolicyMonitoringStandard')
  .implement({
    fields: (t) => ({
      year: t.exposeInt('year'),
      standardFen: t.exposeInt('standardFen', {
        description: 'Income per head, fen, below which a household is in the range.',
      }),
    }),
  });

const ProvincialMonitoringStandard = builder
  .objectRef<{ province: string; year: number; standardFen: number }>('PolicyProvincialMonitoringStandard')
  .implement({
    fields: (t) => ({
      province: t.exposeString('province', { description: 'Two-digit province code.' }),
      year: t.exposeInt('year'),
      standardFen: t.exposeInt('standardFen'),
    }),
  });

const byYear = (record: Record<string, number>) =>
  Object.entries(record).map(([year, standardFen]) => ({ year: Number(year), standardFen }));

const Monitoring = builder.objectRef<MonitoringRegime>('PolicyMonitoring').implement({
  description:
    '防返贫动态监测: from which date households enter through monitoring, the yearly monitoring standard (监测标准), the days for each step and the minimum time monitored before the risk is eliminated.',
  fields: (t) => ({
    from: t.field({
      type: 'Date',
      description: 'From this date 建档立卡 applications are refused; households enter through monitoring.',
      resolve: (m) => m.from,
    }),
    standards: t.field({ type: [MonitoringStandard], resolve: (m) => byYear(m.standardsFen) }),
    provincialStandards: t.field({
      type: [ProvincialMonitoringStandard],
      resolve: (m) =>
        Object.entries(m.provincialStandardsFen).flatMap(([province, years]) =>
          byYear(years).map((y) => ({ province, ...y })),
        ),
    }),
    verificationDays: t.exposeInt('verificationDays', { description: 'Days from an alert to its verification.' }),
    identificationDays: t.exposeInt('identificationDays', {
      description: 'Days from an alert to the county’s decision.',
    }),
    eliminationMinMonths: t.exposeInt('eliminationMinMonths', {
      description: 'Months monitored, at least, before the risk is eliminated.',
    }),
  }),
});

const PolicyVersionType = builder.objectRef<PolicyVersion>('PolicyVersion').implement({
  description: 'A policy version as recorded: in force from effectiveFrom until the next version’s.',
  fields: (t) => ({
    id: t.string({ resolve: (v) => v.policy.id }),
    description: t.string({ resolve: (v) => v.policy.description }),
    effectiveFrom: t.field({ type: 'Date', resolve: (v) => v.effectiveFrom }),
    reason: t.exposeString('reason'),
    recordedAt: t.field({ type: 'DateTime', resolve: (v) => v.recordedAt }),
    recordedBy: t.string({ resolve: (v) => `${v.recordedBy.unit} ${v.recordedBy.id}` }),
    position: t.field({ type: 'Position', resolve: (v) => v.position }),
    incomeLines: t.field({
      type: [IncomeLine],
      resolve: (v) =>
        Object.entries(v.policy.incomeLinesFen).map(([year, lineFen]) => ({ year: Number(year), lineFen })),
    }),
    provincialIncomeLines: t.field({
      type: [ProvincialLine],
      resolve: (v) =>
        Object.entries(v.policy.provincialIncomeLinesFen).flatMap(([province, lines]) =>
          Object.entries(lines).map(([year, lineFen]) => ({ province, year: Number(year), lineFen })),
        ),
    }),
    noticeDays: t.int({ resolve: (v) => v.policy.noticeDays }),
    minVisitsPerYear: t.int({ resolve: (v) => v.policy.minVisitsPerYear }),
    dutyLevels: t.field({
      type: [DutyLevels],
      resolve: (v) =>
        Object.entries(v.policy.dutyLevels ?? {}).map(([duty, levels]) => ({ duty, levels: levels ?? [] })),
    }),
    separateDuties: t.field({
      type: [DutyPair],
      resolve: (v) => (v.policy.separateDuties ?? []).map(([first, second]) => ({ first, second })),
    }),
    areaExitIncidence: t.field({ type: Thresholds, resolve: (v) => v.policy.areaExitIncidence }),
    monitoring: t.field({
      type: Monitoring,
      nullable: true,
      description: 'Absent: the version has no monitoring regime.',
      resolve: (v) => v.policy.monitoring ?? null,
    }),
  }),
});

builder.queryFields((t) => ({
  policyVersions: t.field({
    type: [PolicyVersionType],
    description: 'Every recorded policy version, by effective date (of two on one date, in recording order).',
    resolve: async (_root, _args, ctx) => [...(await ctx.deps.policies.timeline()).versions],
  }),
  policyInForce: t.field({
    type: PolicyVersionType,
    description: 'The version in force on a date (default today).',
    args: { on: t.arg({ type: 'Date' }) },
    resolve: async (_root, args, ctx) => {
      const timeline = await ctx.deps.policies.timeline();
      const id = timeline.at(args.on ?? chinaDate(new Date(ctx.now))).id;
      return timeline.byId(id) as PolicyVersion;
    },
  }),
}));

const IncomeLineInput = builder.inputType('PolicyIncomeLineInput', {
  fields: (t) => ({ year: t.int({ required: true }), lineFen: t.int({ required: true }) }),
});
const ProvincialLineInput = builder.inputType('PolicyProvincialLineInput', {
  fields: (t) => ({
    province: t.string({ required: true }),
    year: t.int({ required: true }),
    lineFen: t.int({ required: true }),
  }),
});
const DutyLevelsInput = builder.inputType('PolicyDutyLevelsInput', {
  fields: (t) => ({ duty: t.string({ required: true }), levels: t.stringList({ required: true }) }),
});
const DutyPairInput = builder.inputType('PolicyDutyPairInput', {
  fields: (t) => ({ first: t.string({ required: true }), second: t.string({ required: true }) }),
});
const ThresholdsInput = builder.inputType('PolicyExitThresholdsInput', {
  fields: (t) => ({ standard: t.float({ required: true }), west: t.float({ required: true }) }),
});

const MonitoringStandardInput = builder.inputType('PolicyMonitoringStandardInput', {
  fields: (t) => ({ year: t.int({ required: true }), standardFen: t.int({ required: true }) }),
});
const ProvincialMonitoringStandardInput = builder.inputType('PolicyProvincialMonitoringStandardInput', {
  fields: (t) => ({
    province: t.string({ required: true }),
    year: t.int({ required: true }),
    standardFen: t.int({ required: true }),
  }),
});
const MonitoringInput = builder.inputType('PolicyMonitoringInput', {
  fields: (t) => ({
    from: t.field({ type: 'Date', required: true }),
    standards: t.field({ type: [MonitoringStandardInput], required: true }),
    provincialStandards: t.field({ type: [ProvincialMonitoringStandardInput], required: true }),
    verificationDays: t.int({ required: true }),
    identificationDays: t.int({ required: true }),
    eliminationMinMonths: t.int({ required: true }),
  }),
});

const RecordPolicyVersionInput = builder.inputType('RecordPolicyVersionInput', {
  description: 'A whole policy version: what it does not list, it does not have (copy the version in force to start).',
  fields: (t) => ({
    id: t.string({ required: true, description: 'A new name, e.g. national-2021.' }),
    description: t.string({ required: true }),
    effectiveFrom: t.field({ type: 'Date', required: true }),
    reason: t.string({ required: true, description: 'Why (the document it follows).' }),
    incomeLines: t.field({ type: [IncomeLineInput], required: true }),
    provincialIncomeLines: t.field({ type: [ProvincialLineInput], required: true }),
    noticeDays: t.int({ required: true }),
    minVisitsPerYear: t.int({ required: true }),
    dutyLevels: t.field({ type: [DutyLevelsInput], required: true }),
    separateDuties: t.field({ type: [DutyPairInput], required: true }),
    areaExitIncidence: t.field({ type: ThresholdsInput, required: true }),
    monitoring: t.field({
      type: MonitoringInput,
      description: 'Omitted: the version has no monitoring regime (for replays of 2014–2020 only).',
    }),
  }),
});

const PolicySuccess = builder
  .objectRef<{ id: string; position: string; duplicate: boolean }>('PolicyVersionSuccess')
  .implement({
    fields: (t) => ({
      id: t.exposeString('id'),
      position: t.field({ type: 'Position', resolve: (r) => r.position }),
      duplicate: t.exposeBoolean('duplicate'),
    }),
  });

builder.mutationField('recordPolicyVersion', (t) =>
  t.field({
    type: PolicySuccess,
    description:
      'Records a policy version, in force from its effective date: income lines, notice days, visit minimum, level rules, exit thresholds, the monitoring regime. The province’s admins only.',
    errors: { types: COMMAND_ERRORS, directResult: true, union: { name: 'RecordPolicyVersionResult' } },
    args: {
      commandId: t.arg.id({ required: true }),
      input: t.arg({ type: RecordPolicyVersionInput, required: true }),
    },
    resolve: async (_root, args, ctx) => {
      requireRole(ctx.viewer, ['admin'], 'record policy');
      if (ctx.viewer.scope !== null) throw new Forbidden('policy is recorded by the province’s admins (no area)');
      const i = args.input;
      const lines = (entries: { year: number; lineFen: number }[]) =>
        Object.fromEntries(entries.map((l) => [String(l.year), l.lineFen]));
      const provincial: Record<string, Record<string, number>> = {};
      for (const l of i.provincialIncomeLines) {
        provincial[l.province] = { ...provincial[l.province], [String(l.year)]: l.lineFen };
      }
      const m = i.monitoring;
      const provincialStandards: Record<string, Record<string, number>> = {};
      for (const l of m?.provincialStandards ?? []) {
        provincialStandards[l.province] = { ...provincialStandards[l.province], [String(l.year)]: l.standardFen };
      }
      const recorded = await ctx.deps.policies.record(
        {
          commandId: args.commandId,
          effectiveFrom: i.effectiveFrom,
          reason: i.reason,
          policy: {
            id: i.id,
            description: i.description,
            incomeLinesFen: lines(i.incomeLines),
            provincialIncomeLinesFen: provincial,
            noticeDays: i.noticeDays,
            minVisitsPerYear: i.minVisitsPerYear,
            dutyLevels: Object.fromEntries(i.dutyLevels.map((d) => [d.duty, d.levels])),
            separateDuties: i.separateDuties.map((p) => [p.first as Duty, p.second as Duty]),
            areaExitIncidence: i.areaExitIncidence,
            ...(m
              ? {
                  monitoring: {
                    from: m.from,
                    standardsFen: Object.fromEntries(m.standards.map((l) => [String(l.year), l.standardFen])),
                    provincialStandardsFen: provincialStandards,
                    verificationDays: m.verificationDays,
                    identificationDays: m.identificationDays,
                    eliminationMinMonths: m.eliminationMinMonths,
                  },
                }
              : {}),
          },
        },
        ctx.viewer.actor,
        // The version's fields are the input's; the command id is the argument.
        { envelope: (field) => (field === 'commandId' ? field : field === 'policy' ? 'input' : `input.${field}`) },
      );
      return { id: i.id, ...recorded };
    },
  }),
);

const CaseStepDutyType = builder
  .objectRef<{ kind: string; step: string; duty: string; levels: string[] }>('CaseStepDuty')
  .implement({
    description: 'A step of a case and the levels that take it forward under the policy in force.',
    fields: (t) => ({
      kind: t.exposeString('kind', { description: 'identification, exit, monitoring or elimination.' }),
      step: t.exposeString('step'),
      duty: t.exposeString('duty'),
      levels: t.exposeStringList('levels', { description: 'village, township, county or province.' }),
    }),
  });

builder.queryField('caseStepDuties', (t) =>
  t.field({
    type: [CaseStepDutyType],
    description:
      'Every step of every kind of case with the levels that record it under the policy in force on a date (today unless given): a work queue splits what is yours from what waits on another office.',
    args: { on: t.arg({ type: 'Date' }) },
    resolve: async (_root, args, ctx) => {
      const policy = (await ctx.deps.policies.timeline()).at(args.on ?? chinaDate(new Date(ctx.now)));
      return caseStepDuties().map((s) => ({ ...s, levels: [...(policy.dutyLevels?.[s.duty] ?? [])] }));
    },
  }),
);
