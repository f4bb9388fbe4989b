import { z } from 'zod';
import {
  AlertChannel,
  AlertDepartment,
  AlertOutcome,
  HouseholdAttribute,
  MemberJoinReason,
  MemberLeaveReason,
  MonitoringCategory,
  NaturalDecreaseReason,
  RiskType,
  WrongExitSource,
} from './enums.js';
import { CardNumber, ExitCriterion, HouseholdEvents, ImportSource } from './events.js';
import {
  Causes,
  ComparisonFinding,
  Helper,
  HouseholdDetails,
  Member,
  MemberChanges,
  MemberList,
  Text,
  Text2000,
} from './household.js';
import { CommandId, EffectiveDate, Fen, Uuid, VillageCode, Year } from './values.js';

const E = HouseholdEvents;
const Notes = Text2000.optional();

/**
 * What a caller sends with every command. The actor is not here: it comes from the
 * caller's verified identity. Ids a command creates (member, measure, visit...) may be
 * given; when omitted they are derived from the command id, so a retry creates the same.
 */
export const CommandEnvelope = z
  .object({
    /** Client-chosen; the same id sent twice is handled once. */
    commandId: CommandId,
    householdId: Uuid,
    /** The household's version the client saw (-1: none yet). Omitted: retry on conflict. */
    expectedVersion: z.number().int().min(-1).optional(),
    /** The business date the change takes effect. */
    effectiveAt: EffectiveDate,
    reason: Text2000.optional(),
    correlationId: Uuid.optional(),
    causationId: Uuid.optional(),
  })
  .strict();
export type CommandEnvelope = z.infer<typeof CommandEnvelope>;

function command<const T extends string, S extends z.ZodType>(type: T, description: string, schema: S) {
  return { type, description, schema } as const;
}

export const HouseholdCommands = {
  ApplyForRegistration: command(
    'ApplyForRegistration',
    'A household applies (农户申请).',
    z.object({ household: HouseholdDetails, members: MemberList, statement: Text2000.optional() }).strict(),
  ),
  ImportHousehold: command(
    'ImportHousehold',
    '导入: takes over a household of an existing roll, registered on the effective date, with its card number, attribute and causes; the county’s.',
    z
      .object({
        household: HouseholdDetails,
        members: MemberList,
        cardNumber: CardNumber,
        attribute: HouseholdAttribute,
        source: ImportSource,
      })
      .strict()
      .and(Causes),
  ),
  ImportExit: command(
    'ImportExit',
    '导入: an imported household’s exit on the existing roll, effective on its exit date, with the income per head the roll holds.',
    z.object({ year: Year, incomePerCapitaFen: Fen, source: ImportSource }).strict(),
  ),
  RecordHouseholdPlan: command(
    'RecordHouseholdPlan',
    '一户一策: records (or revises) the household’s assistance plan for a year.',
    E.HouseholdPlanRecorded.schema,
  ),
  ProposeMove: command(
    'ProposeMove',
    '迁出: proposes the household’s move to another village (relocation: 易地扶贫搬迁), recorded where it lives; the other village’s clerks accept it.',
    z
      .object({
        toVillageCode: VillageCode,
        address: Text(200),
        group: Text(50).optional(),
        relocation: z.boolean().default(false),
      })
      .strict(),
  ),
  AcceptMove: command(
    'AcceptMove',
    '迁入: the clerks of the village a household is moving to take it in, from the effective date.',
    z.object({}).strict(),
  ),
  CancelMove: command('CancelMove', 'Withdraws a proposed move before it is accepted.', z.object({}).strict()),
  RecordAgencyFinding: command(
    'RecordAgencyFinding',
    '数据比对（批量）: records a finding of an agency’s batch on the household whose member it matched, with the file and row it came from.',
    z.object({ finding: ComparisonFinding, source: ImportSource }).strict(),
  ),
  RecordVillageReview: command(
    'RecordVillageReview',
    'Village representatives reviewed the open case; a rejection needs a reason.',
    z
      .object({
        approved: z.boolean(),
        votesFor: z.number().int().min(0).optional(),
        votesAgainst: z.number().int().min(0).optional(),
        notes: Notes,
      })
      .strict(),
  ),
  OpenPublicNotice: command(
    'OpenPublicNotice',
    'Posts the result of the last review; its length comes from policy.',
    z.object({ noticeId: Uuid.optional() }).strict(),
  ),
  RecordObjection: command(
    'RecordObjection',
    'Records an objection to the open notice.',
    z.object({ objectionId: Uuid.optional(), summary: Text2000 }).strict(),
  ),
  ResolveObjection: command(
    'ResolveObjection',
    'Dismisses or upholds an objection; an upheld one sends the case back or rejects it.',
    z
      .object({
        objectionId: Uuid,
        upheld: z.boolean(),
        consequence: z.enum(['sent_back', 'rejected']).optional(),
        resolution: Text2000,
      })
      .strict()
      .refine((c) => c.upheld === (c.consequence !== undefined), {
        path: ['consequence'],
        message: 'is required when the objection is upheld, and only then',
      }),
  ),
  ClosePublicNotice: command(
    'ClosePublicNotice',
    'Closes the open notice once its period has ended.',
    z.object({}).strict(),
  ),
  RecordTownshipReview: command(
    'RecordTownshipReview',
    'The township reviewed the identification case.',
    z.object({ approved: z.boolean(), notes: Notes }).strict(),
  ),
  RecordDataComparison: command(
    'RecordDataComparison',
    'Findings of data comparison with other agencies.',
    E.DataComparisonRecorded.schema,
  ),
  ApproveRegistration: command(
    'ApproveRegistration',
    'The county approves and registers the household.',
    z
      .object({
        cardNumber: E.RegistrationApproved.schema.shape.cardNumber,
        attribute: HouseholdAttribute,
      })
      .strict()
      .and(Causes),
  ),
  RejectApplication: command('RejectApplication', 'Rejects the open identification case.', z.object({}).strict()),
  AddMember: command(
    'AddMember',
    'A member joins the household.',
    z.object({ member: Member, reason: MemberJoinReason }).strict(),
  ),
  RemoveMember: command(
    'RemoveMember',
    'A member leaves; the head can leave only when a new head is named.',
    z.object({ memberId: Uuid, reason: MemberLeaveReason, newHeadMemberId: Uuid.optional() }).strict(),
  ),
  UpdateMember: command(
    'UpdateMember',
    "Changes a member's health, labour capacity, schooling, insurance or relation.",
    z.object({ memberId: Uuid, changes: MemberChanges }).strict(),
  ),
  ChangeHouseholdDetails: command(
    'ChangeHouseholdDetails',
    'Changes the address, group, phone or transfer account from the effective date (not the village: a move is its own record).',
    E.HouseholdDetailsChanged.schema,
  ),
  AssessConditions: command(
    'AssessConditions',
    'Records the living conditions assessed on the effective date.',
    // The event's data, but for the date (the command's own) and an id derived when not given.
    E.ConditionsAssessed.schema.omit({ assessedOn: true }).extend({ assessmentId: Uuid.optional() }),
  ),
  AssignHelper: command(
    'AssignHelper',
    'Assigns or replaces the responsible helper.',
    z.object({ helper: Helper }).strict(),
  ),
  PlanAssistance: command(
    'PlanAssistance',
    'Plans an assistance measure with its funds.',
    // The event's data, with an id derived from the command when not given.
    E.AssistancePlanned.schema.extend({ measureId: Uuid.optional() }),
  ),
  RecordAssistanceDelivered: command(
    'RecordAssistanceDelivered',
    'Records delivery of a planned measure on the effective date.',
    z.object({ measureId: Uuid, amountFen: Fen }).strict(),
  ),
  ChangeMeasureStatus: command(
    'ChangeMeasureStatus',
    'A planned measure is under way, completed or cancelled from the effective date.',
    E.MeasureStatusChanged.schema,
  ),
  RecordVisit: command(
    'RecordVisit',
    "Records the helper's visit on the effective date.",
    z.object({ visitId: Uuid.optional(), notes: Text2000 }).strict(),
  ),
  ProposeExit: command(
    'ProposeExit',
    'Proposes the exit for a year; refused unless the criteria are met.',
    z.object({ year: Year }).strict(),
  ),
  ConfirmExit: command(
    'ConfirmExit',
    'The household (a member) and the helper sign the exit.',
    z.object({ signedByMemberId: Uuid }).strict(),
  ),
  VerifyExit: command('VerifyExit', 'The township verifies the exit.', z.object({ notes: Notes }).strict()),
  ApproveExit: command(
    'ApproveExit',
    'The county approves the exit, effective on the effective date; refused unless the criteria are met.',
    z.object({}).strict(),
  ),
  RejectExit: command('RejectExit', 'Refuses the open exit case.', z.object({}).strict()),
  ReportReturnToPoverty: command(
    'ReportReturnToPoverty',
    'An exited household fell back into poverty.',
    z.object({ attribute: HouseholdAttribute }).strict().and(Causes),
  ),
  AnnulExit: command(
    'AnnulExit',
    '错退: a review (回头看), an inspection or an assessment found the exit of a year wrong. The effective date is the exit’s own: the household is back on the roll from then, counted as a wrong exit, not as a return to poverty.',
    z
      .object({
        year: Year,
        source: WrongExitSource,
        finding: Text2000,
        unmetCriteria: z.array(ExitCriterion).max(9).optional(),
      })
      .strict(),
  ),
  AdjustAttributeAndCauses: command(
    'AdjustAttributeAndCauses',
    '动态调整: a household on the roll takes another attribute or other causes from the effective date.',
    z.object({ attribute: HouseholdAttribute }).strict().and(Causes),
  ),
  RemoveFromRegistry: command(
    'RemoveFromRegistry',
    'Removes a misidentified household, with the finding or review that shows it.',
    E.RemovedFromRegistry.schema,
  ),
  RecordNaturalDecrease: command(
    'RecordNaturalDecrease',
    'The household died out or moved away.',
    z.object({ reason: NaturalDecreaseReason, detail: Text(500).optional() }).strict(),
  ),
  StartMonitoring: command(
    'StartMonitoring',
    'Takes the household into monitoring; a household never recorded gives its details and members.',
    z
      .object({
        category: MonitoringCategory,
        risks: z.array(Text(200)).min(1, 'must name at least one risk').max(20),
        household: HouseholdDetails.optional(),
        members: MemberList.optional(),
      })
      .strict()
      .refine((c) => (c.household === undefined) === (c.members === undefined), {
        path: ['members'],
        message: 'household and members go together',
      }),
  ),
  ApproveMonitoring: command(
    'ApproveMonitoring',
    '县级审定: the county decides the household is a monitored household, as its alert’s verification took it in (category, risks, income and expenditure found).',
    z.object({}).strict(),
  ),
  RejectMonitoring: command(
    'RejectMonitoring',
    '识别认定不通过: ends the identification of a monitored household at its current step (the reason is required).',
    z.object({}).strict(),
  ),
  ProposeRiskElimination: command(
    'ProposeRiskElimination',
    '风险消除: proposes that a monitored household’s risk is eliminated, on its assessment of the year; refused, naming each unmet criterion, unless the policy’s criteria are met.',
    z.object({ year: Year }).strict(),
  ),
  ApproveRiskElimination: command(
    'ApproveRiskElimination',
    '县级审核批准: the county approves the risk elimination (the criteria are checked again) and the household leaves monitoring.',
    z.object({}).strict(),
  ),
  RejectRiskElimination: command(
    'RejectRiskElimination',
    '风险消除不通过: ends the proposal at its current step (the reason is required); the household stays monitored.',
    z.object({}).strict(),
  ),
  EndMonitoring: command(
    'EndMonitoring',
    'Releases the household: the risk is eliminated.',
    z.object({ notes: Notes }).strict(),
  ),
  RaiseRiskAlert: command(
    'RaiseRiskAlert',
    '风险预警: records a risk that came to light on the effective date (a self-report, a visit, a department’s screening, a petition, an inspection); it goes on the village’s queue with the policy’s deadlines. For a household not yet on file, its details and members come with it and it is recorded (never registered) with the alert.',
    z
      .object({
        alertId: Uuid.optional(),
        channel: AlertChannel,
        risks: z.array(RiskType).min(1, 'must name at least one risk').max(11),
        detail: Text2000,
        department: AlertDepartment.optional(),
        indicator: Text(200).optional(),
        amountFen: Fen.optional(),
        reference: Text(100).optional(),
        /** A household not yet on file (a person found at risk who never applied): recorded with the alert. */
        household: HouseholdDetails.optional(),
        members: MemberList.optional(),
      })
      .strict()
      .superRefine((c, issues) => {
        if ((c.household === undefined) !== (c.members === undefined)) {
          issues.addIssue({
            code: 'custom',
            path: [c.household === undefined ? 'household' : 'members'],
            message: 'a household not yet on file is recorded with its details and its members together',
          });
        }
        if (c.channel === 'department' && c.department === undefined) {
          issues.addIssue({ code: 'custom', path: ['department'], message: 'is required for a department’s alert' });
        }
        if (c.channel !== 'department' && c.department !== undefined) {
          issues.addIssue({ code: 'custom', path: ['department'], message: 'is only for a department’s alert' });
        }
      }),
  ),
  VerifyRiskAlert: command(
    'VerifyRiskAlert',
    '入户核实: records what the verification of an alert found: taken into monitoring, excluded (with the income and expenditure found), already monitored, or referred to another programme.',
    z
      .object({
        alertId: Uuid,
        outcome: AlertOutcome,
        incomePerCapitaFen: Fen.optional(),
        rigidExpenditureFen: Fen.optional(),
        category: MonitoringCategory.optional(),
        risks: z.array(RiskType).min(1, 'must name at least one risk').max(11).optional(),
        referredTo: Text(200).optional(),
        notes: Text2000.optional(),
      })
      .strict()
      .superRefine((c, issues) => {
        const need = (field: keyof typeof c, why: string) => {
          if (c[field] === undefined) issues.addIssue({ code: 'custom', path: [field], message: `is required ${why}` });
        };
        const forbid = (field: keyof typeof c, why: string) => {
          if (c[field] !== undefined) issues.addIssue({ code: 'custom', path: [field], message: `is only ${why}` });
        };
        if (c.outcome === 'taken_in' || c.outcome === 'excluded') {
          need('incomePerCapitaFen', 'to take in or exclude: the income per head found');
          need('rigidExpenditureFen', 'to take in or exclude: the rigid expenditure found');
        }
        if (c.outcome === 'taken_in') {
          need('category', 'to take the household in');
          need('risks', 'to take the household in');
        } else {
          forbid('category', 'for a household taken in');
          forbid('risks', 'for a household taken in');
        }
        if (c.outcome === 'excluded') need('notes', 'to exclude: what the verification found');
        if (c.outcome === 'referred') need('referredTo', 'to refer: the programme referred to');
        else forbid('referredTo', 'for a referral');
      }),
  ),
  CorrectEvent: command(
    'CorrectEvent',
    'Corrects an earlier event of the household: replaces its data or voids it, saying why (the reason is required).',
    z
      .object({
        eventId: Uuid,
        action: z.enum(['replace', 'void']),
        replacementData: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .refine((c) => (c.action === 'replace') === (c.replacementData !== undefined), {
        path: ['replacementData'],
        message: 'is required to replace, and not allowed to void',
      }),
  ),
} as const;

export type HouseholdCommandType = keyof typeof HouseholdCommands;
export type HouseholdCommandData<T extends HouseholdCommandType> = z.infer<(typeof HouseholdCommands)[T]['schema']>;
export type HouseholdCommand = {
  [T in HouseholdCommandType]: { type: T; data: HouseholdCommandData<T> };
}[HouseholdCommandType];

export const HOUSEHOLD_COMMAND_TYPES = Object.keys(HouseholdCommands) as HouseholdCommandType[];
