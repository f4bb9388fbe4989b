import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type EnumName, formatDate, type Text } from '@registry/schema/messages';
import { birthDateOfNationalId, sexOfNationalId } from '@registry/schema/national-id';
import {
  AddMemberDocument,
  AdjustAttributeAndCausesDocument,
  AnnulExitDocument,
  ApproveExitDocument,
  ApproveMonitoringDocument,
  ApproveRegistrationDocument,
  ApproveRiskEliminationDocument,
  AssessConditionsDocument,
  AssignHelperDocument,
  CancelMoveDocument,
  ChangeHouseholdDetailsDocument,
  ChangeMeasureStatusDocument,
  ClosePublicNoticeDocument,
  ConfirmExitDocument,
  EndMonitoringDocument,
  OpenPublicNoticeDocument,
  PlanAssistanceDocument,
  ProposeExitDocument,
  ProposeMoveDocument,
  ProposeRiskEliminationDocument,
  RaiseRiskAlertDocument,
  RecordAssistanceDeliveredDocument,
  RecordDataComparisonDocument,
  RecordHouseholdPlanDocument,
  RecordNaturalDecreaseDocument,
  RecordObjectionDocument,
  RecordTownshipReviewDocument,
  RecordVillageReviewDocument,
  RecordVisitDocument,
  RejectApplicationDocument,
  RejectExitDocument,
  RejectMonitoringDocument,
  RejectRiskEliminationDocument,
  RemoveFromRegistryDocument,
  RemoveMemberDocument,
  ReportReturnToPovertyDocument,
  StartMonitoringDocument,
  type StateFactsFragment,
  VerifyExitDocument,
  VerifyRiskAlertDocument,
} from './generated';

const t = (zh: string, en: string): Text => ({ zh, en });

/** A form field of a command; values come back from the form under `name`. */
export type Field =
  | { name: string; label: Text; kind: 'bool'; initial?: boolean }
  | { name: string; label: Text; kind: 'text' | 'textarea'; required?: boolean; initial?: string }
  | { name: string; label: Text; kind: 'nationalId' }
  | { name: string; label: Text; kind: 'int'; required?: boolean; min?: number; initial?: number }
  | { name: string; label: Text; kind: 'yuan'; required?: boolean }
  | { name: string; label: Text; kind: 'enum'; enum: EnumName; required?: boolean; initial?: string }
  | { name: string; label: Text; kind: 'enums'; enum: EnumName; initial?: string[] }
  | {
      name: string;
      label: Text;
      kind: 'choice';
      options: { value: string; label: Text | string }[];
      required?: boolean;
    };

/** What every command mutation answers: success, or a refusal with nothing written. */
export type Outcome =
  | { __typename: 'CommandSuccess'; householdId: string; version: number; position: string; duplicate: boolean }
  | {
      __typename: 'ConcurrencyConflict' | 'Forbidden' | 'NotFound' | 'RuleViolation' | 'ValidationError';
      message: string;
      localizedMessage: string;
      rule?: string;
      unmetCriteria?: string[];
      facts?: Record<string, unknown>;
      issues?: { path: string; message: string }[];
    };

type Values = Record<string, unknown>;
interface CommandVariables {
  commandId: string | number;
  expectedVersion?: number | null;
  input: { householdId: string | number; effectiveAt: string; reason?: string | null };
}
type DataOf<V> = V extends { input: { data?: infer D } } ? D | undefined : undefined;

/** A command the household page offers: its mutation, form and how the form's values become its data. */
export interface CommandSpec<TResult = unknown, TVariables extends CommandVariables = CommandVariables> {
  /** The mutation's field name, e.g. recordVillageReview. */
  name: string;
  title: Text;
  document: TypedDocumentNode<TResult, TVariables>;
  fields(household: StateFactsFragment): Field[];
  /** `commandId`: the attempt's id, for ids the data must keep across a retry of the same attempt. */
  data(values: Values, household: StateFactsFragment, commandId: string): DataOf<TVariables>;
  /** The effective date the form starts with, when not today (an annulment takes its exit's). */
  effectiveAt?(household: StateFactsFragment): string | undefined;
  /** Refusals and rejections need a reason on the event. */
  reasonRequired?: boolean;
  danger?: boolean;
}

function command<TResult, TVariables extends CommandVariables>(
  spec: CommandSpec<TResult, TVariables>,
): CommandSpec<TResult, TVariables> {
  return spec;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const yuanToFen = (v: unknown): number => Math.round(Number(v) * 100);
const thisYear = () => new Date().getFullYear();
const notes = { name: 'notes', label: t('意见', 'Notes'), kind: 'textarea' } as const;
const MONITORING = {
  unstable_exited: t('脱贫不稳定户', 'unstable exited household'),
  edge_vulnerable: t('边缘易致贫户', 'edge household'),
  sudden_hardship: t('突发严重困难户', 'sudden hardship'),
};

/** The categories a household may be taken in as: an exited one is not an edge household. */
const monitoringCategories = (h: StateFactsFragment) =>
  (h.status === 'exited'
    ? (['unstable_exited', 'sudden_hardship'] as const)
    : (['edge_vulnerable', 'sudden_hardship'] as const)
  ).map((c) => ({ value: c, label: MONITORING[c] }));

export const COMMANDS = {
  recordVillageReview: command({
    name: 'recordVillageReview',
    title: t('村民代表评议', 'Village review'),
    document: RecordVillageReviewDocument,
    fields: () => [
      { name: 'approved', label: t('评议通过', 'Approved'), kind: 'bool', initial: true },
      { name: 'votesFor', label: t('赞成票', 'Votes for'), kind: 'int', min: 0 },
      { name: 'votesAgainst', label: t('反对票', 'Votes against'), kind: 'int', min: 0 },
      notes,
    ],
    data: (v) => ({
      approved: Boolean(v.approved),
      ...(typeof v.votesFor === 'number' ? { votesFor: v.votesFor } : {}),
      ...(typeof v.votesAgainst === 'number' ? { votesAgainst: v.votesAgainst } : {}),
      ...(str(v.notes) ? { notes: str(v.notes) } : {}),
    }),
  }),
  openPublicNotice: command({
    name: 'openPublicNotice',
    title: t('开始公示', 'Open the public notice'),
    document: OpenPublicNoticeDocument,
    fields: () => [],
    data: () => ({}),
  }),
  closePublicNotice: command({
    name: 'closePublicNotice',
    title: t('结束公示', 'Close the public notice'),
    document: ClosePublicNoticeDocument,
    fields: () => [],
    data: () => undefined,
  }),
  recordTownshipReview: command({
    name: 'recordTownshipReview',
    title: t('乡镇审核', 'Township review'),
    document: RecordTownshipReviewDocument,
    fields: () => [{ name: 'approved', label: t('审核通过', 'Approved'), kind: 'bool', initial: true }, notes],
    data: (v) => ({ approved: Boolean(v.approved), ...(str(v.notes) ? { notes: str(v.notes) } : {}) }),
  }),
  recordDataComparison: command({
    name: 'recordDataComparison',
    title: t('数据比对', 'Data comparison'),
    document: RecordDataComparisonDocument,
    fields: () => [
      {
        name: 'agency',
        label: t('发现问题的部门（无则不填）', 'Agency with a finding (none: leave empty)'),
        kind: 'enum',
        enum: 'ComparisonAgency',
      },
      { name: 'detail', label: t('比对结果', 'Finding'), kind: 'text' },
      { name: 'disqualifying', label: t('不符合条件', 'Disqualifying'), kind: 'bool', initial: false },
    ],
    data: (v) => ({
      findings: str(v.agency)
        ? [
            {
              agency: v.agency as 'vehicles',
              detail: str(v.detail) ?? '',
              disqualifying: Boolean(v.disqualifying),
            },
          ]
        : [],
    }),
  }),
  approveRegistration: command({
    name: 'approveRegistration',
    title: t('县级审定，建档立卡', 'Approve and register'),
    document: ApproveRegistrationDocument,
    fields: () => [
      { name: 'cardNumber', label: t('户编号', 'Card number'), kind: 'text', required: true },
      {
        name: 'attribute',
        label: t('贫困户属性', 'Attribute'),
        kind: 'enum',
        enum: 'HouseholdAttribute',
        required: true,
        initial: 'ordinary',
      },
      { name: 'mainCause', label: t('主要致贫原因', 'Main cause'), kind: 'enum', enum: 'PovertyCause', required: true },
      { name: 'otherCauses', label: t('其他致贫原因', 'Other causes'), kind: 'enums', enum: 'PovertyCause' },
    ],
    data: (v) => ({
      cardNumber: str(v.cardNumber) ?? '',
      attribute: v.attribute as 'ordinary',
      mainCause: v.mainCause as 'illness',
      otherCauses: (v.otherCauses as 'illness'[] | undefined) ?? [],
    }),
  }),
  rejectApplication: command({
    name: 'rejectApplication',
    title: t('识别不通过', 'Reject the application'),
    document: RejectApplicationDocument,
    fields: () => [],
    data: () => undefined,
    reasonRequired: true,
    danger: true,
  }),
  assignHelper: command({
    name: 'assignHelper',
    title: t('确定帮扶责任人', 'Assign a helper'),
    document: AssignHelperDocument,
    fields: () => [
      { name: 'helperId', label: t('帮扶责任人编号', 'Helper id'), kind: 'text', required: true },
      { name: 'name', label: t('姓名', 'Name'), kind: 'text', required: true },
      { name: 'unit', label: t('单位', 'Unit'), kind: 'text', required: true },
      { name: 'phone', label: t('联系电话', 'Phone'), kind: 'text' },
    ],
    data: (v) => ({
      helper: {
        helperId: str(v.helperId) ?? '',
        name: str(v.name) ?? '',
        unit: str(v.unit) ?? '',
        ...(str(v.phone) ? { phone: str(v.phone) } : {}),
      },
    }),
  }),
  assessConditions: command({
    name: 'assessConditions',
    title: t('入户核查（两不愁三保障）', 'Assess conditions'),
    document: AssessConditionsDocument,
    fields: () => [
      { name: 'year', label: t('年度', 'Year'), kind: 'int', required: true, initial: thisYear() },
      { name: 'income', label: t('人均纯收入（元）', 'Income per head (yuan)'), kind: 'yuan', required: true },
      { name: 'food', label: t('不愁吃', 'Enough food'), kind: 'bool', initial: true },
      { name: 'clothing', label: t('不愁穿', 'Enough clothing'), kind: 'bool', initial: true },
      { name: 'compulsoryEducation', label: t('义务教育有保障', 'Compulsory education'), kind: 'bool', initial: true },
      { name: 'basicMedical', label: t('基本医疗有保障', 'Basic medical care'), kind: 'bool', initial: true },
      { name: 'safeHousing', label: t('住房安全有保障', 'Safe housing'), kind: 'bool', initial: true },
      { name: 'safeDrinkingWater', label: t('饮水安全有保障', 'Safe drinking water'), kind: 'bool', initial: true },
    ],
    data: (v) => ({
      year: Number(v.year),
      incomePerCapitaFen: yuanToFen(v.income),
      food: Boolean(v.food),
      clothing: Boolean(v.clothing),
      compulsoryEducation: Boolean(v.compulsoryEducation),
      basicMedical: Boolean(v.basicMedical),
      safeHousing: Boolean(v.safeHousing),
      safeDrinkingWater: Boolean(v.safeDrinkingWater),
    }),
  }),
  planAssistance: command({
    name: 'planAssistance',
    title: t('制定帮扶措施', 'Plan assistance'),
    document: PlanAssistanceDocument,
    fields: () => [
      { name: 'year', label: t('年度', 'Year'), kind: 'int', required: true, initial: thisYear() },
      { name: 'category', label: t('类别', 'Category'), kind: 'enum', enum: 'AssistanceCategory', required: true },
      { name: 'description', label: t('内容', 'Description'), kind: 'text', required: true },
      { name: 'fundingSource', label: t('资金来源', 'Source'), kind: 'enum', enum: 'FundingSource', required: true },
      { name: 'amount', label: t('计划资金（元）', 'Planned (yuan)'), kind: 'yuan', required: true },
    ],
    data: (v) => ({
      year: Number(v.year),
      category: v.category as 'industry',
      description: str(v.description) ?? '',
      fundingSource: v.fundingSource as 'county',
      amountFen: yuanToFen(v.amount),
    }),
  }),
  recordAssistanceDelivered: command({
    name: 'recordAssistanceDelivered',
    title: t('登记措施落实', 'Record a delivery'),
    document: RecordAssistanceDeliveredDocument,
    fields: (h) => [
      {
        name: 'measureId',
        label: t('帮扶措施', 'Measure'),
        kind: 'choice',
        required: true,
        options: h.measures
          .filter((m) => m.status !== 'cancelled')
          .map((m) => ({ value: m.measureId, label: `${m.year} ${m.description}` })),
      },
      { name: 'amount', label: t('落实资金（元）', 'Delivered (yuan)'), kind: 'yuan', required: true },
    ],
    data: (v) => ({ measureId: String(v.measureId), amountFen: yuanToFen(v.amount) }),
  }),
  changeMeasureStatus: command({
    name: 'changeMeasureStatus',
    title: t('变更措施状态', 'Change a measure’s status'),
    document: ChangeMeasureStatusDocument,
    fields: (h) => [
      {
        name: 'measureId',
        label: t('帮扶措施', 'Measure'),
        kind: 'choice',
        required: true,
        options: h.measures
          .filter((m) => m.status === 'planned' || m.status === 'under_way')
          .map((m) => ({ value: m.measureId, label: `${m.year} ${m.description}` })),
      },
      {
        name: 'status',
        label: t('新状态', 'New status'),
        kind: 'choice',
        required: true,
        options: [
          { value: 'under_way', label: t('实施中', 'under way') },
          { value: 'completed', label: t('已完成', 'completed') },
          { value: 'cancelled', label: t('已取消', 'cancelled') },
        ],
      },
      { name: 'note', label: t('说明', 'Note'), kind: 'textarea' },
    ],
    data: (v) => ({
      measureId: String(v.measureId),
      status: v.status as 'completed',
      ...(str(v.note) ? { note: str(v.note) } : {}),
    }),
  }),
  recordHouseholdPlan: command({
    name: 'recordHouseholdPlan',
    title: t('一户一策帮扶计划', 'Household plan (一户一策)'),
    document: RecordHouseholdPlanDocument,
    fields: () => [
      { name: 'year', label: t('计划年度', 'Year'), kind: 'int', required: true, initial: thisYear() },
      { name: 'goal', label: t('帮扶目标', 'Goal'), kind: 'textarea', required: true },
      { name: 'incomeTarget', label: t('人均纯收入目标（元）', 'Income target per head (yuan)'), kind: 'yuan' },
      {
        name: 'categories',
        label: t('主要帮扶措施类别', 'Kinds of measure'),
        kind: 'enums',
        enum: 'AssistanceCategory',
      },
    ],
    data: (v) => ({
      year: Number(v.year),
      goal: str(v.goal) ?? '',
      ...(v.incomeTarget !== undefined && v.incomeTarget !== null && v.incomeTarget !== ''
        ? { incomeTargetFen: yuanToFen(v.incomeTarget) }
        : {}),
      categories: (v.categories as 'industry'[] | undefined) ?? [],
    }),
  }),
  proposeMove: command({
    name: 'proposeMove',
    title: t('迁出（含易地扶贫搬迁）', 'Move to another village (incl. relocation)'),
    document: ProposeMoveDocument,
    fields: () => [
      {
        name: 'toVillageCode',
        label: t('迁入村（12位代码）', 'Village moving to (12-digit code)'),
        kind: 'text',
        required: true,
      },
      { name: 'address', label: t('迁入后住址', 'Address there'), kind: 'text', required: true },
      { name: 'group', label: t('村民小组', 'Group'), kind: 'text' },
      { name: 'relocation', label: t('易地扶贫搬迁', 'Relocation (易地扶贫搬迁)'), kind: 'bool', initial: false },
    ],
    data: (v) => ({
      toVillageCode: str(v.toVillageCode) ?? '',
      address: str(v.address) ?? '',
      ...(str(v.group) ? { group: str(v.group) } : {}),
      relocation: Boolean(v.relocation),
    }),
  }),
  cancelMove: command({
    name: 'cancelMove',
    title: t('撤销迁出', 'Withdraw the move'),
    document: CancelMoveDocument,
    fields: () => [],
    data: () => undefined,
    reasonRequired: true,
  }),
  recordVisit: command({
    name: 'recordVisit',
    title: t('登记走访', 'Record a visit'),
    document: RecordVisitDocument,
    fields: () => [{ name: 'notes', label: t('情况记录', 'Notes'), kind: 'textarea', required: true }],
    data: (v) => ({ notes: str(v.notes) ?? '' }),
  }),
  proposeExit: command({
    name: 'proposeExit',
    title: t('拟退出', 'Propose an exit'),
    document: ProposeExitDocument,
    fields: () => [
      { name: 'year', label: t('退出年度', 'Exit year'), kind: 'int', required: true, initial: thisYear() },
    ],
    data: (v) => ({ year: Number(v.year) }),
  }),
  confirmExit: command({
    name: 'confirmExit',
    title: t('户签字确认', 'Household confirms'),
    document: ConfirmExitDocument,
    fields: (h) => [
      {
        name: 'signedByMemberId',
        label: t('签字成员', 'Signed by'),
        kind: 'choice',
        required: true,
        options: h.members.map((m) => ({ value: m.memberId, label: m.name })),
      },
    ],
    data: (v) => ({ signedByMemberId: String(v.signedByMemberId) }),
  }),
  verifyExit: command({
    name: 'verifyExit',
    title: t('乡镇核实', 'Township verifies'),
    document: VerifyExitDocument,
    fields: () => [notes],
    data: (v) => ({ ...(str(v.notes) ? { notes: str(v.notes) } : {}) }),
  }),
  approveExit: command({
    name: 'approveExit',
    title: t('县级批准脱贫退出', 'Approve the exit'),
    document: ApproveExitDocument,
    fields: () => [],
    data: () => undefined,
  }),
  rejectExit: command({
    name: 'rejectExit',
    title: t('退出不通过', 'Refuse the exit'),
    document: RejectExitDocument,
    fields: () => [],
    data: () => undefined,
    reasonRequired: true,
    danger: true,
  }),
  recordObjection: command({
    name: 'recordObjection',
    title: t('登记公示异议', 'Record an objection'),
    document: RecordObjectionDocument,
    fields: () => [{ name: 'summary', label: t('异议内容', 'Objection'), kind: 'textarea', required: true }],
    data: (v) => ({ summary: str(v.summary) ?? '' }),
  }),
  startMonitoring: command({
    name: 'startMonitoring',
    title: t('纳入防返贫监测', 'Start monitoring'),
    document: StartMonitoringDocument,
    fields: (h) => [
      {
        name: 'category',
        label: t('监测对象类别', 'Category'),
        kind: 'choice',
        required: true,
        options: monitoringCategories(h),
      },
      { name: 'risks', label: t('风险（每行一项）', 'Risks (one a line)'), kind: 'textarea', required: true },
    ],
    data: (v) => ({
      category: v.category as 'sudden_hardship',
      risks: String(v.risks ?? '')
        .split('\n')
        .map((r) => r.trim())
        .filter(Boolean),
    }),
  }),
  raiseRiskAlert: command({
    name: 'raiseRiskAlert',
    title: t('登记风险预警', 'Record a risk alert'),
    document: RaiseRiskAlertDocument,
    fields: () => [
      { name: 'channel', label: t('发现途径', 'Channel'), kind: 'enum', enum: 'AlertChannel', required: true },
      {
        name: 'department',
        label: t('预警部门（部门筛查预警时填写）', 'Department'),
        kind: 'enum',
        enum: 'AlertDepartment',
      },
      { name: 'risks', label: t('风险类型', 'Risks'), kind: 'enums', enum: 'RiskType' },
      { name: 'detail', label: t('风险情况', 'What was found'), kind: 'textarea', required: true },
      { name: 'indicator', label: t('预警指标', 'Indicator'), kind: 'text' },
      { name: 'amount', label: t('预警金额（元）', 'Amount (yuan)'), kind: 'yuan' },
      { name: 'reference', label: t('来源编号（批次、信访件、督查件）', 'Reference'), kind: 'text' },
    ],
    data: (v, _h, commandId) => ({
      alertId: commandId,
      channel: v.channel as 'self_report',
      ...(str(v.department) ? { department: v.department as 'medical_insurance' } : {}),
      risks: (v.risks as 'illness'[] | undefined) ?? [],
      detail: str(v.detail) ?? '',
      ...(str(v.indicator) ? { indicator: str(v.indicator) } : {}),
      ...(v.amount !== undefined && v.amount !== null && v.amount !== '' ? { amountFen: yuanToFen(v.amount) } : {}),
      ...(str(v.reference) ? { reference: str(v.reference) } : {}),
    }),
  }),
  verifyRiskAlert: command({
    name: 'verifyRiskAlert',
    title: t('入户核实风险预警', 'Verify a risk alert'),
    document: VerifyRiskAlertDocument,
    fields: (h) => {
      const open = h.alerts.filter((a) => !a.verification);
      return [
        {
          name: 'alertId',
          label: t('风险预警', 'Alert'),
          kind: 'choice',
          required: true,
          // By the date it came to light and what was found (the id is for machines).
          options: open.map((a) => ({
            value: a.alertId,
            label: t(
              `${formatDate(a.raisedOn, 'zh')} ${a.detail.slice(0, 30)}`,
              `${a.raisedOn} ${a.detail.slice(0, 30)}`,
            ),
          })),
        },
        { name: 'outcome', label: t('核实结论', 'Outcome'), kind: 'enum', enum: 'AlertOutcome', required: true },
        { name: 'incomePerCapita', label: t('家庭人均纯收入（元）', 'Income per head (yuan)'), kind: 'yuan' },
        { name: 'rigidExpenditure', label: t('刚性支出（元）', 'Rigid expenditure (yuan)'), kind: 'yuan' },
        {
          name: 'category',
          label: t('监测对象类别（纳入监测时填写）', 'Category (when taken in)'),
          kind: 'choice',
          options: monitoringCategories(h),
        },
        {
          name: 'risks',
          label: t('风险类型（纳入监测时填写）', 'Risks (when taken in)'),
          kind: 'enums',
          enum: 'RiskType',
        },
        { name: 'referredTo', label: t('转入政策（转其他政策时填写）', 'Referred to'), kind: 'text' },
        notes,
      ];
    },
    data: (v) => {
      const fen = (x: unknown) => (x !== undefined && x !== null && x !== '' ? yuanToFen(x) : undefined);
      const income = fen(v.incomePerCapita);
      const expenditure = fen(v.rigidExpenditure);
      const risks = (v.risks as 'illness'[] | undefined) ?? [];
      return {
        alertId: String(v.alertId ?? ''),
        outcome: v.outcome as 'taken_in',
        ...(income !== undefined ? { incomePerCapitaFen: income } : {}),
        ...(expenditure !== undefined ? { rigidExpenditureFen: expenditure } : {}),
        ...(str(v.category) ? { category: v.category as 'sudden_hardship' } : {}),
        ...(risks.length > 0 ? { risks } : {}),
        ...(str(v.referredTo) ? { referredTo: str(v.referredTo) } : {}),
        ...(str(v.notes) ? { notes: str(v.notes) } : {}),
      };
    },
  }),
  approveMonitoring: command({
    name: 'approveMonitoring',
    title: t('县级审定：纳入监测', 'County decision: take into monitoring'),
    document: ApproveMonitoringDocument,
    fields: () => [],
    data: () => undefined,
  }),
  rejectMonitoring: command({
    name: 'rejectMonitoring',
    title: t('识别认定不通过', 'End the identification without monitoring'),
    document: RejectMonitoringDocument,
    fields: () => [],
    data: () => undefined,
    reasonRequired: true,
    danger: true,
  }),
  proposeRiskElimination: command({
    name: 'proposeRiskElimination',
    title: t('申请风险消除', 'Propose risk elimination'),
    document: ProposeRiskEliminationDocument,
    fields: () => [
      { name: 'year', label: t('核查年度', 'Assessment year'), kind: 'int', required: true, initial: thisYear() },
    ],
    data: (v) => ({ year: Number(v.year) }),
  }),
  approveRiskElimination: command({
    name: 'approveRiskElimination',
    title: t('县级审核批准风险消除', 'Approve the risk elimination'),
    document: ApproveRiskEliminationDocument,
    fields: () => [],
    data: () => undefined,
  }),
  rejectRiskElimination: command({
    name: 'rejectRiskElimination',
    title: t('风险消除不通过', 'Refuse the risk elimination'),
    document: RejectRiskEliminationDocument,
    fields: () => [],
    data: () => undefined,
    reasonRequired: true,
    danger: true,
  }),
  endMonitoring: command({
    name: 'endMonitoring',
    title: t('风险消除，解除监测', 'End monitoring'),
    document: EndMonitoringDocument,
    fields: () => [notes],
    data: (v) => ({ ...(str(v.notes) ? { notes: str(v.notes) } : {}) }),
  }),
  reportReturnToPoverty: command({
    name: 'reportReturnToPoverty',
    title: t('返贫，重新纳入', 'Return to poverty'),
    document: ReportReturnToPovertyDocument,
    fields: () => [
      {
        name: 'attribute',
        label: t('贫困户属性', 'Attribute'),
        kind: 'enum',
        enum: 'HouseholdAttribute',
        required: true,
        initial: 'ordinary',
      },
      { name: 'mainCause', label: t('主要致贫原因', 'Main cause'), kind: 'enum', enum: 'PovertyCause', required: true },
      { name: 'otherCauses', label: t('其他致贫原因', 'Other causes'), kind: 'enums', enum: 'PovertyCause' },
    ],
    data: (v) => ({
      attribute: v.attribute as 'ordinary',
      mainCause: v.mainCause as 'illness',
      otherCauses: (v.otherCauses as 'illness'[] | undefined) ?? [],
    }),
    reasonRequired: true,
  }),
  annulExit: command({
    name: 'annulExit',
    title: t('错退：撤销脱贫退出', 'Wrong exit: annul the exit'),
    document: AnnulExitDocument,
    effectiveAt: (h) => h.exits.at(-1)?.exitedOn,
    fields: (h) => [
      { name: 'year', label: t('退出年度', 'Exit year'), kind: 'int', required: true, initial: h.exits.at(-1)?.year },
      {
        name: 'source',
        label: t('发现途径', 'Found by'),
        kind: 'enum',
        enum: 'WrongExitSource',
        required: true,
        initial: 'review',
      },
      { name: 'finding', label: t('核查发现', 'Finding'), kind: 'textarea', required: true },
      { name: 'unmetCriteria', label: t('未达到的退出标准', 'Criteria not met'), kind: 'enums', enum: 'ExitCriterion' },
    ],
    data: (v) => ({
      year: Number(v.year),
      source: v.source as 'review',
      finding: String(v.finding ?? '').trim(),
      ...(Array.isArray(v.unmetCriteria) && v.unmetCriteria.length > 0
        ? { unmetCriteria: v.unmetCriteria as 'income_above_line'[] }
        : {}),
    }),
    danger: true,
  }),
  addMember: command({
    name: 'addMember',
    title: t('增加成员', 'Add a member'),
    document: AddMemberDocument,
    fields: () => [
      { name: 'name', label: t('姓名', 'Name'), kind: 'text', required: true },
      { name: 'nationalId', label: t('身份证号', 'National ID'), kind: 'nationalId' },
      {
        name: 'relation',
        label: t('与户主关系', 'Relation'),
        kind: 'enum',
        enum: 'Relation',
        required: true,
        initial: 'child',
      },
      {
        name: 'joinReason',
        label: t('增加原因', 'Why'),
        kind: 'enum',
        enum: 'MemberJoinReason',
        required: true,
        initial: 'birth',
      },
      {
        name: 'health',
        label: t('健康状况', 'Health'),
        kind: 'enum',
        enum: 'Health',
        required: true,
        initial: 'healthy',
      },
      {
        name: 'labourCapacity',
        label: t('劳动能力', 'Labour'),
        kind: 'enum',
        enum: 'LabourCapacity',
        required: true,
        initial: 'none',
      },
      {
        name: 'schooling',
        label: t('在校情况', 'Schooling'),
        kind: 'enum',
        enum: 'Schooling',
        required: true,
        initial: 'not_in_school',
      },
      { name: 'basicMedical', label: t('基本医保', 'Basic medical insurance'), kind: 'bool', initial: true },
      { name: 'seriousIllness', label: t('大病保险', 'Serious-illness insurance'), kind: 'bool', initial: false },
      { name: 'pension', label: t('养老保险', 'Pension'), kind: 'bool', initial: false },
    ],
    data: (v, _h, commandId) => {
      const nationalId = String(v.nationalId ?? '').toUpperCase();
      return {
        reason: v.joinReason as 'birth',
        member: {
          // The attempt's id: a retry after a network failure names the same member.
          memberId: commandId,
          name: str(v.name) ?? '',
          nationalId,
          sex: sexOfNationalId(nationalId),
          birthDate: birthDateOfNationalId(nationalId),
          relation: v.relation as 'child',
          health: v.health as 'healthy',
          labourCapacity: v.labourCapacity as 'none',
          schooling: v.schooling as 'not_in_school',
          insurance: {
            basicMedical: Boolean(v.basicMedical),
            seriousIllness: Boolean(v.seriousIllness),
            pension: Boolean(v.pension),
          },
        },
      };
    },
  }),
  adjustAttributeAndCauses: command({
    name: 'adjustAttributeAndCauses',
    title: t('动态调整（属性、致贫原因）', 'Adjust attribute and causes'),
    document: AdjustAttributeAndCausesDocument,
    fields: (h) => [
      {
        name: 'attribute',
        label: t('贫困户属性', 'Attribute'),
        kind: 'enum',
        enum: 'HouseholdAttribute',
        required: true,
        initial: h.attribute ?? 'ordinary',
      },
      {
        name: 'mainCause',
        label: t('主要致贫原因', 'Main cause'),
        kind: 'enum',
        enum: 'PovertyCause',
        required: true,
        initial: h.mainCause ?? undefined,
      },
      {
        name: 'otherCauses',
        label: t('其他致贫原因', 'Other causes'),
        kind: 'enums',
        enum: 'PovertyCause',
        initial: h.otherCauses,
      },
    ],
    data: (v) => ({
      attribute: v.attribute as 'ordinary',
      mainCause: v.mainCause as 'illness',
      otherCauses: (v.otherCauses as 'illness'[] | undefined) ?? [],
    }),
    reasonRequired: true,
  }),
  changeHouseholdDetails: command({
    name: 'changeHouseholdDetails',
    title: t('户信息变更', 'Change details'),
    document: ChangeHouseholdDetailsDocument,
    fields: (h) => [
      { name: 'address', label: t('住址', 'Address'), kind: 'text', initial: h.address ?? '' },
      { name: 'group', label: t('村民小组', 'Group'), kind: 'text', initial: h.group ?? '' },
      { name: 'phone', label: t('联系电话', 'Phone'), kind: 'text', initial: h.phone ?? '' },
      { name: 'bankAccount', label: t('一卡通账号', 'Transfer account'), kind: 'text', initial: h.bankAccount ?? '' },
    ],
    // Only what was edited: an untouched field is not sent again.
    data: (v, h) =>
      Object.fromEntries(
        (['address', 'group', 'phone', 'bankAccount'] as const)
          .map((field) => [field, str(v[field])] as const)
          .filter(([field, value]) => value !== undefined && value !== (h[field] ?? undefined)),
      ),
  }),
  removeMember: command({
    name: 'removeMember',
    title: t('减少成员', 'Remove a member'),
    document: RemoveMemberDocument,
    fields: (h) => [
      {
        name: 'memberId',
        label: t('成员', 'Member'),
        kind: 'choice',
        required: true,
        options: h.members.map((m) => ({ value: m.memberId, label: m.name })),
      },
      { name: 'reason', label: t('减少原因', 'Why'), kind: 'enum', enum: 'MemberLeaveReason', required: true },
      {
        name: 'newHeadMemberId',
        label: t('新户主（户主减少时）', 'New head (when the head leaves)'),
        kind: 'choice',
        options: h.members.map((m) => ({ value: m.memberId, label: m.name })),
      },
    ],
    data: (v) => ({
      memberId: String(v.memberId),
      reason: v.reason as 'death',
      ...(str(v.newHeadMemberId) ? { newHeadMemberId: str(v.newHeadMemberId) } : {}),
    }),
  }),
  recordNaturalDecrease: command({
    name: 'recordNaturalDecrease',
    title: t('登记自然减少', 'Record a natural decrease'),
    document: RecordNaturalDecreaseDocument,
    fields: () => [
      { name: 'reason', label: t('原因', 'Why'), kind: 'enum', enum: 'NaturalDecreaseReason', required: true },
      { name: 'detail', label: t('情况说明', 'Detail'), kind: 'text' },
    ],
    data: (v) => ({ reason: v.reason as 'died_out', ...(str(v.detail) ? { detail: str(v.detail) } : {}) }),
    reasonRequired: true,
    danger: true,
  }),
  removeFromRegistry: command({
    name: 'removeFromRegistry',
    title: t('清退（识别不准）', 'Remove (misidentified)'),
    document: RemoveFromRegistryDocument,
    fields: () => [
      {
        name: 'agency',
        label: t('比对发现问题的部门（回头看清退则不填）', 'Agency of the finding (none: a review)'),
        kind: 'enum',
        enum: 'ComparisonAgency',
      },
      { name: 'detail', label: t('比对结果或核查结论', 'Finding or review'), kind: 'textarea', required: true },
    ],
    data: (v) => ({
      evidence: str(v.agency)
        ? {
            source: 'data_comparison' as const,
            finding: { agency: v.agency as 'vehicles', detail: str(v.detail) ?? '', disqualifying: true },
          }
        : { source: 'review' as const, review: str(v.detail) ?? '' },
    }),
    reasonRequired: true,
    danger: true,
  }),
} as const;

export type CommandName = keyof typeof COMMANDS;

/**
 * The commands the rules allow now, from the household's status and open case: the page
 * offers these and nothing else (the API refuses anything else regardless).
 */
const ASSISTED_STATUSES: readonly string[] = ['registered', 'returned', 'exited'];

export function nextSteps(h: StateFactsFragment): CommandName[] {
  const open = h.openCase;
  const notice = (): CommandName[] => (open?.noticeOpenedOn ? ['closePublicNotice'] : ['openPublicNotice']);
  if (open?.kind === 'identification') {
    const reject: CommandName[] = ['rejectApplication'];
    switch (open.step) {
      case 'village_review':
        return ['recordVillageReview', ...reject];
      case 'village_notice':
      case 'township_notice':
        return [...notice(), ...reject];
      case 'township_review':
        return ['recordTownshipReview', ...reject];
      case 'data_comparison':
        return ['recordDataComparison', ...reject];
      case 'county_approval':
        return ['approveRegistration', ...reject];
      default:
        return reject;
    }
  }
  const assisted: CommandName[] = ['assignHelper', 'assessConditions', 'recordHouseholdPlan', 'planAssistance'];
  const openMeasures = h.measures.filter((m) => m.status === 'planned' || m.status === 'under_way');
  if (openMeasures.some((m) => m.deliveredFen < m.amountFen)) assisted.push('recordAssistanceDelivered');
  if (openMeasures.length > 0) assisted.push('changeMeasureStatus');
  if (h.helper) assisted.push('recordVisit');
  // What the household's own life brings, whatever its case: members leave, it dies out or moves.
  const life: CommandName[] = [
    ...(h.pendingMove ? (['cancelMove'] as const) : h.status === 'decreased' ? [] : (['proposeMove'] as const)),
    'changeHouseholdDetails',
    'addMember',
    ...(h.members.length > 1 ? (['removeMember'] as const) : []),
  ];
  if (!['none', 'decreased'].includes(h.status)) life.push('recordNaturalDecrease');
  // 风险预警 come to any household on file; an open one is verified (入户核实).
  if (!['none', 'decreased'].includes(h.status)) {
    life.unshift('raiseRiskAlert');
    if (h.alerts.some((a) => !a.verification)) life.unshift('verifyRiskAlert');
  }
  // 风险消除 through its case; a direct release stays for records before the regime.
  const monitoring: CommandName[] = h.monitored
    ? ['proposeRiskElimination', 'endMonitoring']
    : ['exited', 'unregistered', 'rejected', 'removed'].includes(h.status)
      ? ['startMonitoring']
      : [];
  if (open?.kind === 'elimination') {
    const step: Record<string, CommandName[]> = {
      village_review: ['recordVillageReview'],
      village_notice: notice(),
      county_approval: ['approveRiskElimination'],
    };
    return [...(step[open.step] ?? []), 'rejectRiskElimination', ...assisted, ...life];
  }
  if (open?.kind === 'monitoring') {
    // 识别认定 of a monitored household: 民主评议, 村内公示, 乡镇审核, 县级审定.
    const step: Record<string, CommandName[]> = {
      village_review: ['recordVillageReview'],
      village_notice: notice(),
      township_review: ['recordTownshipReview'],
      county_decision: ['approveMonitoring'],
    };
    // 先帮扶后认定: a sudden hardship is helped while its identification goes on.
    const helped = ASSISTED_STATUSES.includes(h.status) || open.category === 'sudden_hardship' ? assisted : [];
    return [...(step[open.step] ?? []), 'rejectMonitoring', ...helped, ...life];
  }
  if (open?.kind === 'exit') {
    const step: Record<string, CommandName[]> = {
      village_review: ['recordVillageReview'],
      village_notice: notice(),
      confirmation: ['confirmExit'],
      township_verification: ['verifyExit'],
      county_approval: ['approveExit'],
    };
    return [...(step[open.step] ?? []), 'rejectExit', ...assisted, ...life];
  }
  if (h.status === 'registered' || h.status === 'returned') {
    return ['proposeExit', 'adjustAttributeAndCauses', ...assisted, 'removeFromRegistry', ...life];
  }
  if (h.status === 'exited') {
    return ['reportReturnToPoverty', 'annulExit', ...monitoring, ...assisted, 'removeFromRegistry', ...life];
  }
  if (h.monitored) return [...monitoring, ...assisted, ...life];
  return [...monitoring, ...life];
}
