import { z } from 'zod';
import {
  AlertChannel,
  AlertDepartment,
  AlertOutcome,
  AssistanceCategory,
  CaseKind,
  FundingSource,
  HouseholdAttribute,
  MeasureStatus,
  MemberJoinReason,
  MemberLeaveReason,
  MonitoringCategory,
  NaturalDecreaseReason,
  PovertyCause,
  RiskType,
  WrongExitSource,
} from './enums.js';
import {
  ComparisonFinding,
  DetailsChange,
  Helper,
  HouseholdDetails,
  LivingConditions,
  Member,
  MemberChanges,
  MemberList,
  Text,
  Text500,
  Text2000,
} from './household.js';
import { Fen, IsoDate, PlainText, Uuid, VillageCode, Year } from './values.js';

/** Steps of an identification case, in order. */
export const IdentificationStep = z.enum([
  'village_review',
  'village_notice',
  'township_review',
  'township_notice',
  'data_comparison',
  'county_approval',
]);
/** Steps of an exit case, in order. */
export const ExitStep = z.enum([
  'village_review',
  'village_notice',
  'confirmation',
  'township_verification',
  'county_approval',
]);
/**
 * Steps of the identification of a monitored household (识别认定), once the alert's verification
 * took it in: 民主评议, 村内公示 (only in the village: "公示环节原则上只在村内开展一次，县乡不再重复
 * 公示"), 乡镇审核, 县级审定.
 */
export const MonitoringStep = z.enum(['village_review', 'village_notice', 'township_review', 'county_decision']);
export type IdentificationStep = z.infer<typeof IdentificationStep>;
export type ExitStep = z.infer<typeof ExitStep>;
export type MonitoringStep = z.infer<typeof MonitoringStep>;
/**
 * Steps of a risk elimination (风险消除) after its proposal: "参照监测对象识别程序…乡村入户核实、
 * 民主评议和公示，县级审核批准".
 */
export const EliminationStep = z.enum(['village_review', 'village_notice', 'county_approval']);
export type EliminationStep = z.infer<typeof EliminationStep>;
export const CaseStep = z.union([IdentificationStep, ExitStep, MonitoringStep, EliminationStep]);

/**
 * 风险消除的条件: monitored long enough (the policy's months), an assessment in the year with income
 * above the year's monitoring standard ("收入稳定超过当年监测范围"), and 两不愁三保障 and drinking
 * water all secure ("'三保障'和饮水安全持续巩固").
 */
export const EliminationCriterion = z.enum([
  'monitored_long_enough',
  'assessment_in_year',
  'standard_known',
  'income_above_standard',
  'food',
  'clothing',
  'compulsory_education',
  'basic_medical',
  'safe_housing',
  'safe_drinking_water',
]);
export type EliminationCriterion = z.infer<typeof EliminationCriterion>;
export type CaseStep = z.infer<typeof CaseStep>;

export const NoticeLevel = z.enum(['village', 'township']);

export const ExitCriterion = z.enum([
  'assessment_in_exit_year',
  'income_above_line',
  'income_line_known',
  'food',
  'clothing',
  'compulsory_education',
  'basic_medical',
  'safe_housing',
  'safe_drinking_water',
]);
export type ExitCriterion = z.infer<typeof ExitCriterion>;

/** The exit criterion each living condition stands for. */
export const CONDITION_CRITERIA: Readonly<Record<keyof LivingConditions, ExitCriterion>> = {
  food: 'food',
  clothing: 'clothing',
  compulsoryEducation: 'compulsory_education',
  basicMedical: 'basic_medical',
  safeHousing: 'safe_housing',
  safeDrinkingWater: 'safe_drinking_water',
};

export const CardNumber = z.string().regex(/^[0-9A-Za-z-]{4,40}$/, 'must be 4 to 40 letters, digits or -');

/** Where an imported record came from: the file (its SHA-256) and its rows (1 = the first data row). */
export const ImportSource = z
  .object({
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'),
    fileName: Text500,
    rows: z.array(z.number().int().min(1)).min(1).max(60),
  })
  .strict();

/** The assessment an exit relied on, copied into the exit so the evidence cannot drift. */
export const ExitEvidence = z
  .object({
    assessmentId: Uuid,
    assessedOn: IsoDate,
    incomePerCapitaFen: Fen,
    incomeLineFen: Fen,
    incomeLineSource: z.string(),
    policyId: z.string(),
  })
  .strict();

const CorrectableData = z.record(z.string(), z.unknown());

export interface EventDefinition {
  type: string;
  version: number;
  description: string;
  schema: z.ZodType;
}

function define<const T extends string, S extends z.ZodType>(type: T, description: string, schema: S) {
  return { type, version: 1 as number, description, schema } as const satisfies EventDefinition;
}

/**
 * Every event of a household stream (`household-<id>`). Names are stable strings, never
 * derived from code; the version is the data schema's, stored as `metadata.schemaVersion`.
 */
export const HouseholdEvents = {
  ApplicationSubmitted: define(
    'ApplicationSubmitted',
    '农户申请: the household applies to be registered; opens an identification case awaiting village review.',
    z
      .object({ householdId: Uuid, household: HouseholdDetails, members: MemberList, statement: Text2000.optional() })
      .strict(),
  ),
  VillageReviewRecorded: define(
    'VillageReviewRecorded',
    '村民代表评议: village representatives reviewed the case (identification or exit).',
    z
      .object({
        case: CaseKind,
        approved: z.boolean(),
        votesFor: z.number().int().min(0).optional(),
        votesAgainst: z.number().int().min(0).optional(),
        notes: Text2000.optional(),
      })
      .strict(),
  ),
  PublicNoticeOpened: define(
    'PublicNoticeOpened',
    '公示: the result is posted publicly; it cannot close before closesOn.',
    z.object({ noticeId: Uuid, case: CaseKind, level: NoticeLevel, openedOn: IsoDate, closesOn: IsoDate }).strict(),
  ),
  ObjectionRecorded: define(
    'ObjectionRecorded',
    'An objection to an open public notice.',
    z.object({ noticeId: Uuid, objectionId: Uuid, summary: Text2000 }).strict(),
  ),
  ObjectionResolved: define(
    'ObjectionResolved',
    'An objection was examined: dismissed, or upheld, which sends the case back to the review before the notice or rejects it.',
    z
      .object({
        objectionId: Uuid,
        upheld: z.boolean(),
        consequence: z.enum(['sent_back', 'rejected']).optional(),
        resolution: Text2000,
      })
      .strict(),
  ),
  PublicNoticeClosed: define(
    'PublicNoticeClosed',
    'The notice period ended with every objection resolved; the case moves on.',
    z.object({ noticeId: Uuid, closedOn: IsoDate }).strict(),
  ),
  TownshipReviewRecorded: define(
    'TownshipReviewRecorded',
    '乡镇审核: the township reviewed the identification case.',
    z.object({ approved: z.boolean(), notes: Text2000.optional() }).strict(),
  ),
  DataComparisonRecorded: define(
    'DataComparisonRecorded',
    '数据比对: findings of comparison with other agencies; a disqualifying finding bars registration.',
    z.object({ findings: z.array(ComparisonFinding).max(50) }).strict(),
  ),
  RegistrationApproved: define(
    'RegistrationApproved',
    '县复核、公告、备案: the county approved; the household is registered (建档立卡) with a card number, attribute and causes.',
    z
      .object({
        cardNumber: CardNumber,
        attribute: HouseholdAttribute,
        mainCause: PovertyCause,
        otherCauses: z.array(PovertyCause).max(10),
      })
      .strict(),
  ),
  ApplicationRejected: define(
    'ApplicationRejected',
    'The identification case was rejected at a step, with the reason.',
    z.object({ step: IdentificationStep, reason: Text2000 }).strict(),
  ),
  MemberAdded: define(
    'MemberAdded',
    'A member joined the household (birth, marriage, moving in).',
    z.object({ member: Member, reason: MemberJoinReason }).strict(),
  ),
  MemberRemoved: define(
    'MemberRemoved',
    'A member left (death, marriage, moving out); removing the head names the new head.',
    z.object({ memberId: Uuid, reason: MemberLeaveReason, newHeadMemberId: Uuid.optional() }).strict(),
  ),
  MemberUpdated: define(
    'MemberUpdated',
    'Health, labour capacity, schooling, insurance or relation of a member changed.',
    z.object({ memberId: Uuid, changes: MemberChanges }).strict(),
  ),
  ConditionsAssessed: define(
    'ConditionsAssessed',
    'Living conditions at a date: per-capita net income, 两不愁三保障 and safe drinking water.',
    z
      .object({
        assessmentId: Uuid,
        year: Year,
        assessedOn: IsoDate,
        incomePerCapitaFen: Fen,
        ...LivingConditions.shape,
      })
      .strict(),
  ),
  HouseholdDetailsChanged: define(
    'HouseholdDetailsChanged',
    '户信息变更: the address, group, phone or transfer account from the effective date (earlier events keep the old ones).',
    DetailsChange,
  ),
  HelperAssigned: define(
    'HelperAssigned',
    '结对帮扶: the responsible helper was assigned, or replaced.',
    z.object({ helper: Helper, replacesHelperId: PlainText.max(64).optional() }).strict(),
  ),
  AssistancePlanned: define(
    'AssistancePlanned',
    '一户一策: an assistance measure with its category, funds and funding source.',
    z
      .object({
        measureId: Uuid,
        category: AssistanceCategory,
        description: Text2000,
        amountFen: Fen,
        fundingSource: FundingSource,
        year: Year,
      })
      .strict(),
  ),
  MeasureStatusChanged: define(
    'MeasureStatusChanged',
    'A measure’s progress from the effective date: under way, completed, or cancelled (then no delivery follows).',
    z.object({ measureId: Uuid, status: MeasureStatus.exclude(['planned']), note: Text2000.optional() }).strict(),
  ),
  AssistanceDelivered: define(
    'AssistanceDelivered',
    'A planned measure was delivered (possibly in part).',
    z.object({ measureId: Uuid, amountFen: Fen, deliveredOn: IsoDate }).strict(),
  ),
  VisitRecorded: define(
    'VisitRecorded',
    '走访: the helper visited the household.',
    z.object({ visitId: Uuid, helperId: PlainText.min(1).max(64), visitedOn: IsoDate, notes: Text2000 }).strict(),
  ),
  ExitProposed: define(
    'ExitProposed',
    '脱贫退出: an exit is proposed for a year; opens an exit case awaiting village review.',
    z.object({ year: Year, evidence: ExitEvidence }).strict(),
  ),
  ExitConfirmed: define(
    'ExitConfirmed',
    '签字确认: the household and its helper signed the exit.',
    z.object({ signedByMemberId: Uuid, helperId: PlainText.min(1).max(64), confirmedOn: IsoDate }).strict(),
  ),
  ExitVerified: define(
    'ExitVerified',
    '乡镇核实: the township verified the exit.',
    z.object({ verifiedOn: IsoDate, notes: Text2000.optional() }).strict(),
  ),
  ExitApproved: define(
    'ExitApproved',
    '县审定、公告: the county approved the exit, effective exitedOn, on the evidence recorded.',
    z.object({ year: Year, exitedOn: IsoDate, evidence: ExitEvidence }).strict(),
  ),
  ExitRejected: define(
    'ExitRejected',
    'The exit case was refused at a step, with the reason and any unmet criteria.',
    z.object({ step: ExitStep, reason: Text2000, unmetCriteria: z.array(ExitCriterion) }).strict(),
  ),
  ReturnedToPoverty: define(
    'ReturnedToPoverty',
    '返贫: an exited household fell back and is registered again as a returned household.',
    z
      .object({ attribute: HouseholdAttribute, mainCause: PovertyCause, otherCauses: z.array(PovertyCause).max(10) })
      .strict(),
  ),
  HouseholdImported: define(
    'HouseholdImported',
    '导入: a household registered before the registry, taken over from an existing roll (a file), with its card and the date it was registered; the file and rows it came from.',
    z
      .object({
        householdId: Uuid,
        household: HouseholdDetails,
        members: MemberList,
        cardNumber: CardNumber,
        attribute: HouseholdAttribute,
        mainCause: PovertyCause,
        otherCauses: z.array(PovertyCause).max(10),
        source: ImportSource,
      })
      .strict(),
  ),
  HouseholdPlanRecorded: define(
    'HouseholdPlanRecorded',
    '一户一策: the household’s assistance plan for a year — its goal, the income it aims at and the kinds of measure it relies on; a later plan for the same year revises it.',
    z
      .object({
        year: Year,
        goal: Text2000,
        incomeTargetFen: Fen.optional(),
        categories: z.array(AssistanceCategory).min(1, 'name at least one kind of measure').max(12),
      })
      .strict(),
  ),
  MoveProposed: define(
    'MoveProposed',
    '迁出: the household is to move to another village (易地扶贫搬迁 when relocation), proposed where it lives; the village it goes to accepts it.',
    z
      .object({
        fromVillageCode: VillageCode,
        toVillageCode: VillageCode,
        address: Text(200),
        group: Text(50).optional(),
        relocation: z.boolean(),
      })
      .strict(),
  ),
  HouseholdMoved: define(
    'HouseholdMoved',
    '迁入: the village it moved to accepted the household; it belongs there from the effective date, with its whole history.',
    z
      .object({
        fromVillageCode: VillageCode,
        toVillageCode: VillageCode,
        address: Text(200),
        group: Text(50).optional(),
        relocation: z.boolean(),
      })
      .strict(),
  ),
  MoveCancelled: define(
    'MoveCancelled',
    'A proposed move was withdrawn before the village it was going to accepted it.',
    z.object({ toVillageCode: VillageCode }).strict(),
  ),
  AgencyFindingRecorded: define(
    'AgencyFindingRecorded',
    '数据比对（批量）: an agency’s batch (public security, vehicles, real estate, business registration, payroll, civil affairs …) matched a member of the household by ID number; a disqualifying finding puts it on the county’s review list.',
    z.object({ finding: ComparisonFinding, source: ImportSource }).strict(),
  ),
  ExitImported: define(
    'ExitImported',
    '导入: an exit recorded on the existing roll the household came from (effective on its exit date), with the income the roll holds as its evidence.',
    z.object({ year: Year, exitedOn: IsoDate, evidence: ExitEvidence, source: ImportSource }).strict(),
  ),
  ExitAnnulled: define(
    'ExitAnnulled',
    '错退: a review, inspection or assessment found the exit of a year wrong; the household is on the roll again from the exit’s effective date (the event takes effect then), counted as a wrong exit, not as a return.',
    z
      .object({
        year: Year,
        exitedOn: IsoDate,
        source: WrongExitSource,
        finding: Text2000,
        unmetCriteria: z.array(ExitCriterion).max(9).optional(),
      })
      .strict(),
  ),
  AttributeAndCausesAdjusted: define(
    'AttributeAndCausesAdjusted',
    '动态调整: the attribute and causes of a household on the roll from the effective date (before it, the earlier ones).',
    z
      .object({ attribute: HouseholdAttribute, mainCause: PovertyCause, otherCauses: z.array(PovertyCause).max(10) })
      .strict(),
  ),
  RemovedFromRegistry: define(
    'RemovedFromRegistry',
    '清退: the household was found not to qualify (misidentified); not an exit.',
    z
      .object({
        evidence: z.discriminatedUnion('source', [
          z.object({ source: z.literal('data_comparison'), finding: ComparisonFinding }).strict(),
          z.object({ source: z.literal('review'), review: Text2000 }).strict(),
        ]),
      })
      .strict(),
  ),
  NaturalDecreaseRecorded: define(
    'NaturalDecreaseRecorded',
    '自然减少: the household died out or moved away; nothing may follow.',
    z.object({ reason: NaturalDecreaseReason, detail: Text500.optional() }).strict(),
  ),
  MonitoringStarted: define(
    'MonitoringStarted',
    '防返贫监测: taken into monitoring (the county’s decision on an alert taken in, or a direct record before the regime); for a household never registered it also records the household.',
    z
      .object({
        householdId: Uuid,
        category: MonitoringCategory,
        risks: z.array(Text(200)).min(1, 'must name at least one risk').max(20),
        household: HouseholdDetails.optional(),
        members: MemberList.optional(),
        /** The alert whose verification took the household in, and what it found. */
        alertId: Uuid.optional(),
        incomePerCapitaFen: Fen.optional(),
        rigidExpenditureFen: Fen.optional(),
      })
      .strict(),
  ),
  RiskEliminationProposed: define(
    'RiskEliminationProposed',
    '风险消除: the village proposes that the monitored household’s risk is eliminated, on the year’s assessment against the monitoring standard; opens a case awaiting 民主评议.',
    z
      .object({
        year: Year,
        evidence: z
          .object({
            assessmentId: Uuid,
            assessedOn: IsoDate,
            incomePerCapitaFen: Fen,
            monitoringStandardFen: Fen,
            policyId: Text(100),
          })
          .strict(),
      })
      .strict(),
  ),
  RiskEliminationRejected: define(
    'RiskEliminationRejected',
    '风险消除不通过: the proposal ended at the step named, with the reason and the criteria not met then; the household stays monitored.',
    z.object({ step: EliminationStep, reason: Text2000, unmetCriteria: z.array(EliminationCriterion) }).strict(),
  ),
  MonitoringIdentificationRejected: define(
    'MonitoringIdentificationRejected',
    '识别认定不通过: the identification of a household taken in by an alert ended without monitoring, at the step named, with the reason.',
    z.object({ alertId: Uuid, step: MonitoringStep, reason: Text2000 }).strict(),
  ),
  MonitoringEnded: define(
    'MonitoringEnded',
    '风险消除: released from monitoring because the risk is eliminated.',
    z.object({ reason: z.literal('risk_eliminated'), notes: Text2000.optional() }).strict(),
  ),
  RiskAlertRaised: define(
    'RiskAlertRaised',
    '风险预警: a risk came to light on the effective date, through a channel; it lands on the village’s queue, to be verified by verifyBy and decided by identifyBy (the policy’s days). With a household’s details and members, it also records a household not yet on file.',
    z
      .object({
        alertId: Uuid,
        channel: AlertChannel,
        risks: z.array(RiskType).min(1, 'must name at least one risk').max(11),
        detail: Text2000,
        /** A department's screening (部门筛查预警): which department, its indicator and amount. */
        department: AlertDepartment.optional(),
        indicator: Text(200).optional(),
        amountFen: Fen.optional(),
        /** The batch, petition or inspection it came from, or the visit that found it. */
        reference: Text(100).optional(),
        verifyBy: IsoDate,
        identifyBy: IsoDate,
        /** A household not yet on file, recorded with its alert (it is then on file, never registered). */
        householdId: Uuid.optional(),
        household: HouseholdDetails.optional(),
        members: MemberList.optional(),
      })
      .strict(),
  ),
  RiskAlertVerified: define(
    'RiskAlertVerified',
    '入户核实: the alert was verified at the household; its outcome, with the income and rigid expenditure found.',
    z
      .object({
        alertId: Uuid,
        outcome: AlertOutcome,
        /** Income per head and rigid expenditure (刚性支出) per year found at the household. */
        incomePerCapitaFen: Fen.optional(),
        rigidExpenditureFen: Fen.optional(),
        /** The year's monitoring standard in force, for the record (absent where the policy has none). */
        monitoringStandardFen: Fen.optional(),
        category: MonitoringCategory.optional(),
        risks: z.array(RiskType).min(1).max(11).optional(),
        referredTo: Text(200).optional(),
        notes: Text2000.optional(),
      })
      .strict(),
  ),
  EventCorrected: define(
    'EventCorrected',
    'Corrects an earlier event of the stream, naming it and why: its data replaced, or voided. Nothing is rewritten.',
    z
      .object({
        correctedEventId: Uuid,
        correctedType: z.string(),
        action: z.enum(['replace', 'void']),
        replacementData: CorrectableData.optional(),
        /** The data in force before this correction (the event's, or its latest replacement's), for the audit. Absent on corrections recorded before it was kept. */
        previousData: CorrectableData.optional(),
      })
      .strict(),
  ),
} as const;

export type HouseholdEventType = keyof typeof HouseholdEvents;
export type HouseholdEventData<T extends HouseholdEventType> = z.infer<(typeof HouseholdEvents)[T]['schema']>;
export type HouseholdEvent = {
  [T in HouseholdEventType]: { type: T; data: HouseholdEventData<T> };
}[HouseholdEventType];

export const HOUSEHOLD_EVENT_TYPES = Object.keys(HouseholdEvents) as HouseholdEventType[];

/** Lifts stored data of schema version v to v + 1, per event type: `upcasters[type][v]`. */
export type Upcasters = Record<string, Record<number, (data: unknown) => unknown>>;

/**
 * The household upcasters. Empty while every event is at version 1; a new version of an
 * event bumps `version` in its definition and adds its step here.
 */
export const UPCASTERS: Upcasters = {};

export class UnknownEvent extends Error {}

/**
 * A parser for stored events of a catalogue: lifts the data to the current schema version,
 * then validates it. Throws on unknown types, missing upcasters and data that does not fit.
 */
export function createEventParser<C extends Record<string, EventDefinition>>(catalogue: C, upcasters: Upcasters) {
  return (type: string, data: unknown, schemaVersion = 1): { type: keyof C & string; data: unknown } => {
    if (!Object.hasOwn(catalogue, type)) throw new UnknownEvent(`unknown event type "${type}"`);
    const definition = catalogue[type] as EventDefinition;
    if (schemaVersion > definition.version) {
      throw new UnknownEvent(`${type} version ${schemaVersion} is newer than this code knows (${definition.version})`);
    }
    let lifted = data;
    for (let v = schemaVersion; v < definition.version; v++) {
      const up = upcasters[type]?.[v];
      if (!up) throw new UnknownEvent(`no upcaster for ${type} from version ${v} to ${v + 1}`);
      lifted = up(lifted);
    }
    return { type, data: definition.schema.parse(lifted) };
  };
}

const parseHousehold = createEventParser(HouseholdEvents, UPCASTERS);

/** Parses a stored household event (see createEventParser). */
export function parseHouseholdEvent(type: string, data: unknown, schemaVersion = 1): HouseholdEvent {
  return parseHousehold(type, data, schemaVersion) as HouseholdEvent;
}

export const householdStream = (householdId: string): string => `household-${householdId}`;
export const HOUSEHOLD_STREAM_PREFIX = 'household-';
