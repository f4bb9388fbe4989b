import type { AssessmentResults, GroupResult, Rate } from '@registry/registry';
import { builder } from './builder.js';
import { enumOf } from './enums.js';

const RecommendationEnum = enumOf('AssessmentRecommendation', ['exit', 'not_exit', 'incomplete']);
const ComparisonEnum = enumOf('RateComparison', ['below', 'at_least']);

export const RateType = builder.objectRef<Rate>('AssessmentRate').implement({
  description: 'A rate with its 95% interval, held against its published threshold.',
  fields: (t) => ({
    value: t.float({ nullable: true, resolve: (r) => r.value }),
    low: t.float({ nullable: true, resolve: (r) => r.low }),
    high: t.float({ nullable: true, resolve: (r) => r.high }),
    numerator: t.exposeInt('numerator', { description: 'People (households, for approval) counted.' }),
    denominator: t.int({ nullable: true, resolve: (r) => r.denominator }),
    threshold: t.exposeFloat('threshold'),
    comparison: t.field({ type: ComparisonEnum, resolve: (r) => r.comparison }),
    meets: t.boolean({ nullable: true, resolve: (r) => r.meets }),
    certain: t.exposeBoolean('certain', { description: 'The whole interval lies on the same side of the threshold.' }),
  }),
});

const groupFields = builder.objectRef<GroupResult>('AssessmentGroupResult');
export const GroupResultType = groupFields.implement({
  description: 'The sample-based rates of a township or a village.',
  fields: (t) => ({
    areaCode: t.exposeString('areaCode'),
    villages: t.exposeInt('villages'),
    sampled: t.exposeInt('sampled', { description: 'Registry households drawn.' }),
    surveyed: t.exposeInt('surveyed', { description: 'Registry households drawn that have a finding.' }),
    outside: t.exposeInt('outside', { description: 'Households outside the registry with a finding.' }),
    wrongExit: t.field({ type: RateType, description: '错退率', resolve: (g) => g.wrongExit }),
    omission: t.field({ type: RateType, description: '漏评率', resolve: (g) => g.omission }),
    wrongInclusion: t.field({ type: RateType, description: '错评率', resolve: (g) => g.wrongInclusion }),
    approval: t.field({ type: RateType, description: '群众认可度', resolve: (g) => g.approval }),
  }),
});

export const AssessmentResultsType = builder.objectRef<AssessmentResults>('AssessmentResults').implement({
  description: '三率一度 and 错评率 of the whole assessment, with a recommendation.',
  fields: (t) => ({
    areaCode: t.exposeString('areaCode'),
    villages: t.exposeInt('villages'),
    sampled: t.exposeInt('sampled'),
    surveyed: t.exposeInt('surveyed', { description: 'Registry households drawn that have a finding.' }),
    outside: t.exposeInt('outside', { description: 'Households outside the registry with a finding.' }),
    missingFindings: t.exposeInt('missingFindings', {
      description: 'Registry households drawn without a finding yet.',
    }),
    villagesWithoutPopulation: t.exposeStringList('villagesWithoutPopulation'),
    incidence: t.field({ type: RateType, description: '综合贫困发生率', resolve: (r) => r.incidence }),
    wrongExit: t.field({ type: RateType, description: '错退率', resolve: (r) => r.wrongExit }),
    omission: t.field({ type: RateType, description: '漏评率', resolve: (r) => r.omission }),
    wrongInclusion: t.field({ type: RateType, description: '错评率', resolve: (r) => r.wrongInclusion }),
    approval: t.field({ type: RateType, description: '群众认可度', resolve: (r) => r.approval }),
    recommendation: t.field({
      type: RecommendationEnum,
      description: 'exit when every rate meets its threshold; incomplete while findings or populations are missing.',
      resolve: (r) => r.recommendation,
    }),
  }),
});
