import type { HouseholdView } from '@registry/projections';
import { isOverdue } from '@registry/registry';
import type { Member } from '@registry/schema';
import { chinaDate, maskNationalId } from '@registry/schema';
import { maskBankAccount, maskName, maskPhone } from '../mask.js';
import { builder } from './builder.js';
import {
  AlertChannelEnum,
  AlertDepartmentEnum,
  AlertOutcomeEnum,
  AssistanceCategoryEnum,
  enumOf,
  FundingSourceEnum,
  HealthEnum,
  HouseholdAttributeEnum,
  LabourCapacityEnum,
  MeasureStatusEnum,
  MonitoringCategoryEnum,
  PovertyCauseEnum,
  RelationEnum,
  RiskTypeEnum,
  SchoolingEnum,
  SexEnum,
} from './enums.js';

type View = HouseholdView;

export const HouseholdStatusEnum = enumOf('HouseholdStatus', [
  'none',
  'applicant',
  'rejected',
  'registered',
  'exited',
  'returned',
  'removed',
  'decreased',
  'unregistered',
]);

const Insurance = builder.objectRef<Member['insurance']>('Insurance').implement({
  fields: (t) => ({
    basicMedical: t.exposeBoolean('basicMedical', { description: '城乡居民基本医疗保险' }),
    seriousIllness: t.exposeBoolean('seriousIllness', { description: '大病保险' }),
    pension: t.exposeBoolean('pension', { description: '城乡居民基本养老保险' }),
  }),
});

/** Whose member each member object is, for the record of reads (set where members are answered). */
const householdOfMember = new WeakMap<Member, string>();

const MemberType = builder.objectRef<Member>('Member').implement({
  fields: (t) => ({
    memberId: t.exposeID('memberId'),
    nationalId: t.string({
      description: 'National ID number; masked for assessors. A read unmasked is recorded.',
      resolve: (m, _args, ctx) => {
        if (ctx.viewer.masked) return maskNationalId(m.nationalId);
        ctx.reads.note(householdOfMember.get(m), 'nationalId');
        return m.nationalId;
      },
    }),
    name: t.string({
      description: 'Masked for assessors but for its first character (张**). A read unmasked is recorded.',
      resolve: (m, _args, ctx) => {
        if (ctx.viewer.masked) return maskName(m.name);
        ctx.reads.note(householdOfMember.get(m), 'name');
        return m.name;
      },
    }),
    sex: t.field({ type: SexEnum, resolve: (m) => m.sex }),
    birthDate: t.field({
      type: 'Date',
      nullable: true,
      description:
        'Null for assessors, who see the year only (birthYear): beside a masked ID number a whole date would narrow it to a few dozen.',
      resolve: (m, _args, ctx) => {
        if (ctx.viewer.masked) return null;
        ctx.reads.note(householdOfMember.get(m), 'birthDate');
        return m.birthDate;
      },
    }),
    birthYear: t.int({ resolve: (m) => Number(m.birthDate.slice(0, 4)) }),
    relation: t.field({ type: RelationEnum, resolve: (m) => m.relation }),
    health: t.field({ type: HealthEnum, resolve: (m) => m.health }),
    disabilityGrade: t.int({ nullable: true, resolve: (m) => m.disabilityGrade ?? null }),
    labourCapacity: t.field({ type: LabourCapacityEnum, resolve: (m) => m.labourCapacity }),
    schooling: t.field({ type: SchoolingEnum, resolve: (m) => m.schooling }),
    insurance: t.field({ type: Insurance, resolve: (m) => m.insurance }),
  }),
});

const HelperType = builder.objectRef<NonNullable<View['helper']>>('Helper').implement({
  description: 'The responsible helper (帮扶责任人).',
  fields: (t) => ({
    helperId: t.exposeString('helperId'),
    name: t.exposeString('name'),
    unit: t.exposeString('unit'),
    phone: t.string({
      nullable: true,
      resolve: (h, _args, ctx) => (h.phone && ctx.viewer.masked ? maskPhone(h.phone) : (h.phone ?? null)),
    }),
  }),
});

type AssessmentShape = View['assessments'][number];
const AssessmentType = builder.objectRef<AssessmentShape>('Assessment').implement({
  description: 'Living conditions assessed on a date: income, 两不愁三保障 and safe drinking water.',
  fields: (t) => ({
    assessmentId: t.exposeID('assessmentId'),
    year: t.exposeInt('year'),
    assessedOn: t.field({ type: 'Date', resolve: (a) => a.assessedOn }),
    incomePerCapitaFen: t.field({ type: 'Fen', resolve: (a) => a.incomePerCapitaFen }),
    food: t.exposeBoolean('food'),
    clothing: t.exposeBoolean('clothing'),
    compulsoryEducation: t.exposeBoolean('compulsoryEducation'),
    basicMedical: t.exposeBoolean('basicMedical'),
    safeHousing: t.exposeBoolean('safeHousing'),
    safeDrinkingWater: t.exposeBoolean('safeDrinkingWater'),
  }),
});

const MeasureType = builder.objectRef<View['measures'][number]>('Measure').implement({
  description: 'An assistance measure (一户一策) with its funds.',
  fields: (t) => ({
    measureId: t.exposeID('measureId'),
    category: t.field({ type: AssistanceCategoryEnum, resolve: (m) => m.category }),
    fundingSource: t.field({ type: FundingSourceEnum, resolve: (m) => m.fundingSource }),
    year: t.exposeInt('year'),
    description: t.exposeString('description'),
    amountFen: t.field({ type: 'Fen', resolve: (m) => m.amountFen }),
    deliveredFen: t.field({ type: 'Fen', resolve: (m) => m.deliveredFen }),
    status: t.field({
      type: MeasureStatusEnum,
      description: 'planned, under_way, completed or cancelled.',
      resolve: (m) => m.status as 'planned',
    }),
  }),
});

const VisitType = builder.objectRef<View['visits'][number]>('Visit').implement({
  fields: (t) => ({
    visitId: t.exposeID('visitId'),
    helperId: t.exposeString('helperId'),
    visitedOn: t.field({ type: 'Date', resolve: (v) => v.visitedOn }),
    notes: t.exposeString('notes'),
  }),
});

const ExitType = builder.objectRef<View['exits'][number]>('Exit').implement({
  fields: (t) => ({
    year: t.exposeInt('year'),
    exitedOn: t.field({ type: 'Date', resolve: (e) => e.exitedOn }),
    incomePerCapitaFen: t.field({ type: 'Fen', resolve: (e) => e.incomePerCapitaFen }),
    incomeLineFen: t.field({ type: 'Fen', resolve: (e) => e.incomeLineFen }),
    policyId: t.exposeString('policyId'),
  }),
});

const WrongExitType = builder.objectRef<View['wrongExits'][number]>('WrongExit').implement({
  description:
    '错退: an exit a review, inspection or assessment annulled; the household was on the roll again from its date.',
  fields: (t) => ({
    year: t.exposeInt('year'),
    exitedOn: t.field({ type: 'Date', resolve: (e) => e.exitedOn }),
    source: t.exposeString('source', { description: 'review (回头看), inspection or assessment.' }),
  }),
});

const ReturnEntryType = builder.objectRef<View['returns'][number]>('Return').implement({
  fields: (t) => ({
    returnedOn: t.field({ type: 'Date', resolve: (r) => r.returnedOn }),
    mainCause: t.field({ type: PovertyCauseEnum, resolve: (r) => r.mainCause as 'illness' }),
  }),
});

const MonitoringType = builder.objectRef<NonNullable<View['monitoring']>>('Monitoring').implement({
  description: '防返贫监测: the household is monitored for risk.',
  fields: (t) => ({
    category: t.field({ type: MonitoringCategoryEnum, resolve: (m) => m.category }),
    since: t.field({ type: 'Date', resolve: (m) => m.since }),
    risks: t.exposeStringList('risks'),
  }),
});

const AlertVerificationType = builder
  .objectRef<NonNullable<View['alerts'][number]['verification']>>('RiskAlertVerification')
  .implement({
    description: '入户核实: what the verification of an alert found.',
    fields: (t) => ({
      verifiedOn: t.field({ type: 'Date', resolve: (v) => v.verifiedOn }),
      outcome: t.field({ type: AlertOutcomeEnum, resolve: (v) => v.outcome as 'excluded' }),
      incomePerCapitaFen: t.int({ nullable: true, resolve: (v) => v.incomePerCapitaFen }),
      category: t.field({
        type: MonitoringCategoryEnum,
        nullable: true,
        resolve: (v) => (v.category as 'sudden_hardship' | null) ?? null,
      }),
    }),
  });

export const RiskAlertType = builder.objectRef<View['alerts'][number]>('RiskAlert').implement({
  description:
    '风险预警: a risk that came to light through a channel, with the dates by which it is to be verified and decided.',
  fields: (t) => ({
    alertId: t.exposeID('alertId'),
    channel: t.field({ type: AlertChannelEnum, resolve: (a) => a.channel as 'self_report' }),
    department: t.field({
      type: AlertDepartmentEnum,
      nullable: true,
      resolve: (a) => (a.department as 'medical_insurance' | null) ?? null,
    }),
    risks: t.field({ type: [RiskTypeEnum], resolve: (a) => a.risks as 'illness'[] }),
    detail: t.exposeString('detail'),
    raisedOn: t.field({ type: 'Date', resolve: (a) => a.raisedOn }),
    verifyBy: t.field({
      type: 'Date',
      description: 'The verification’s deadline (入户核实).',
      resolve: (a) => a.verifyBy,
    }),
    identifyBy: t.field({
      type: 'Date',
      description: 'The county decision’s deadline (识别认定).',
      resolve: (a) => a.identifyBy,
    }),
    overdue: t.boolean({
      description: 'Not verified and past its verification date (today, China time).',
      resolve: (a, _args, ctx) => isOverdue(a, chinaDate(new Date(ctx.now))),
    }),
    verification: t.field({ type: AlertVerificationType, nullable: true, resolve: (a) => a.verification }),
  }),
});

const OpenCaseType = builder.objectRef<NonNullable<View['openCase']>>('OpenCase').implement({
  description: 'An identification or exit case under way.',
  fields: (t) => ({
    kind: t.exposeString('kind'),
    step: t.exposeString('step'),
    year: t.int({ nullable: true, resolve: (c) => c.year }),
    category: t.field({
      type: MonitoringCategoryEnum,
      nullable: true,
      description: 'A monitored household’s identification: the category its verification found.',
      resolve: (c) => c.category as 'sudden_hardship' | null,
    }),
    noticeLevel: t.string({ nullable: true, resolve: (c) => c.notice?.level ?? null }),
    noticeOpenedOn: t.field({ type: 'Date', nullable: true, resolve: (c) => c.notice?.openedOn ?? null }),
    noticeClosesOn: t.field({ type: 'Date', nullable: true, resolve: (c) => c.notice?.closesOn ?? null }),
  }),
});

/** What every view of a household shows, from its folded state. */
export const HouseholdFacts = builder.interfaceRef<View>('HouseholdFacts').implement({
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.householdId }),
    status: t.field({ type: HouseholdStatusEnum, resolve: (v) => v.status }),
    monitored: t.boolean({ resolve: (v) => v.monitoring !== null }),
    villageCode: t.string({ nullable: true, resolve: (v) => v.household?.villageCode ?? null }),
    group: t.string({ nullable: true, resolve: (v) => v.household?.group ?? null }),
    address: t.string({ nullable: true, resolve: (v) => v.household?.address ?? null }),
    phone: t.string({
      nullable: true,
      description: 'Masked for assessors.',
      resolve: (v, _a, ctx) => {
        const phone = v.household?.phone;
        if (!phone) return null;
        if (ctx.viewer.masked) return maskPhone(phone);
        ctx.reads.note(v.householdId, 'phone');
        return phone;
      },
    }),
    bankAccount: t.string({
      nullable: true,
      description: 'Account for transfers (一卡通); masked for assessors.',
      resolve: (v, _a, ctx) => {
        const account = v.household?.bankAccount;
        if (!account) return null;
        if (ctx.viewer.masked) return maskBankAccount(account);
        ctx.reads.note(v.householdId, 'bankAccount');
        return account;
      },
    }),
    cardNumber: t.string({ nullable: true, resolve: (v) => v.registration?.cardNumber ?? null }),
    attribute: t.field({
      type: HouseholdAttributeEnum,
      nullable: true,
      resolve: (v) => v.registration?.attribute ?? null,
    }),
    mainCause: t.field({
      type: PovertyCauseEnum,
      nullable: true,
      resolve: (v) => v.registration?.mainCause ?? null,
    }),
    otherCauses: t.field({ type: [PovertyCauseEnum], resolve: (v) => v.registration?.otherCauses ?? [] }),
    registeredOn: t.field({ type: 'Date', nullable: true, resolve: (v) => v.registration?.registeredOn ?? null }),
    helper: t.field({ type: HelperType, nullable: true, resolve: (v) => v.helper }),
    memberCount: t.int({ resolve: (v) => v.members.length }),
    headMemberId: t.id({ nullable: true, resolve: (v) => v.headMemberId }),
    members: t.field({
      type: [MemberType],
      resolve: (v) => {
        for (const m of v.members) householdOfMember.set(m, v.householdId);
        return v.members;
      },
    }),
    latestAssessment: t.field({
      type: AssessmentType,
      nullable: true,
      resolve: (v) => v.assessments.at(-1) ?? null,
    }),
    assessments: t.field({ type: [AssessmentType], resolve: (v) => v.assessments }),
    measures: t.field({ type: [MeasureType], resolve: (v) => v.measures }),
    visits: t.field({
      type: [VisitType],
      args: { year: t.arg.int({ description: 'Only visits in this calendar year.' }) },
      resolve: (v, args) =>
        v.visits
          .filter((visit) => !args.year || visit.visitedOn.startsWith(`${args.year}-`))
          .sort((a, b) => a.visitedOn.localeCompare(b.visitedOn)),
    }),
    exits: t.field({ type: [ExitType], resolve: (v) => v.exits }),
    wrongExits: t.field({ type: [WrongExitType], resolve: (v) => v.wrongExits }),
    returns: t.field({ type: [ReturnEntryType], resolve: (v) => v.returns }),
    monitoring: t.field({ type: MonitoringType, nullable: true, resolve: (v) => v.monitoring }),
    alerts: t.field({ type: [RiskAlertType], description: '风险预警, in the order raised.', resolve: (v) => v.alerts }),
    openCase: t.field({ type: OpenCaseType, nullable: true, resolve: (v) => v.openCase }),
    removedOn: t.field({ type: 'Date', nullable: true, resolve: (v) => v.removedOn }),
    decreasedOn: t.field({ type: 'Date', nullable: true, resolve: (v) => v.decreasedOn }),
    plans: t.field({ type: [PlanType], description: '一户一策: the plan of each year.', resolve: (v) => v.plans }),
    pendingMove: t.field({
      type: PendingMoveType,
      nullable: true,
      description: 'A move to another village proposed here, awaiting that village’s acceptance (acceptMove).',
      resolve: (v) => v.pendingMove,
    }),
  }),
});

const PlanType = builder.objectRef<View['plans'][number]>('HouseholdPlan').implement({
  fields: (t) => ({
    year: t.exposeInt('year'),
    goal: t.exposeString('goal'),
    incomeTargetFen: t.field({ type: 'Fen', nullable: true, resolve: (p) => p.incomeTargetFen }),
    categories: t.field({ type: [AssistanceCategoryEnum], resolve: (p) => p.categories as 'industry'[] }),
    recordedOn: t.field({ type: 'Date', resolve: (p) => p.recordedOn }),
  }),
});

const PendingMoveType = builder.objectRef<NonNullable<View['pendingMove']>>('PendingMove').implement({
  fields: (t) => ({
    toVillageCode: t.exposeString('toVillageCode'),
    address: t.exposeString('address'),
    relocation: t.exposeBoolean('relocation', { description: '易地扶贫搬迁' }),
    proposedOn: t.field({ type: 'Date', resolve: (m) => m.proposedOn }),
  }),
});

/** A household as it stood at some point: as of two dates, or after an event. */
export const HouseholdStateType = builder.objectRef<View>('HouseholdState').implement({
  description: 'A household as it stood: as of a business date and a system time, or after an event.',
  interfaces: [HouseholdFacts],
  fields: () => ({}),
});
