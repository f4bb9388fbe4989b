/**
 * The message catalogue the API and the console share: every word a clerk reads, in Simplified
 * Chinese first and English second. Codes (enum values, rule codes, event types) stay stable for
 * machines; the texts are what people read. Plain data and small pure functions, no imports, so
 * the browser bundle takes it as it is.
 */

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export interface Text {
  zh: string;
  en: string;
}

const t = (zh: string, en: string): Text => ({ zh, en });

/** Labels of the GraphQL enums' values, by enum name, in DOMAIN.md's words. */
export const ENUM_LABELS = {
  HouseholdStatus: {
    none: t('未登记', 'not on file'),
    applicant: t('申请中', 'applicant'),
    registered: t('建档立卡', 'registered'),
    rejected: t('未通过识别', 'rejected'),
    exited: t('已脱贫', 'exited'),
    returned: t('返贫', 'returned to poverty'),
    removed: t('已清退', 'removed'),
    decreased: t('自然减少', 'natural decrease'),
    unregistered: t('监测对象（未建档）', 'monitored, never registered'),
  },
  HouseholdAttribute: {
    ordinary: t('一般贫困户', 'ordinary poor'),
    low_income_guarantee: t('低保贫困户', 'low-income guarantee'),
    extreme_poverty_support: t('特困供养户', 'extreme-poverty support'),
  },
  PovertyCause: {
    illness: t('因病', 'illness'),
    disability: t('因残', 'disability'),
    schooling: t('因学', 'schooling costs'),
    disaster: t('因灾', 'disaster'),
    lack_of_land: t('缺土地', 'lack of land'),
    lack_of_water: t('缺水', 'lack of water'),
    lack_of_skills: t('缺技术', 'lack of skills'),
    lack_of_labour: t('缺劳力', 'lack of labour'),
    lack_of_capital: t('缺资金', 'lack of capital'),
    poor_transport: t('交通条件落后', 'poor transport'),
    lack_of_drive: t('自身发展动力不足', 'lack of drive'),
  },
  Role: {
    clerk: t('扶贫专干', 'registry clerk'),
    evaluator: t('考核评估人员', 'evaluator'),
    assessor: t('第三方评估人员', 'third-party assessor'),
    admin: t('系统管理员', 'administrator'),
    system: t('系统', 'system'),
  },
  Sex: { male: t('男', 'male'), female: t('女', 'female') },
  Relation: {
    head: t('户主', 'head'),
    spouse: t('配偶', 'spouse'),
    child: t('子女', 'child'),
    child_in_law: t('儿媳/女婿', 'child-in-law'),
    grandchild: t('孙辈', 'grandchild'),
    parent: t('父母', 'parent'),
    parent_in_law: t('公婆/岳父母', 'parent-in-law'),
    grandparent: t('祖父母', 'grandparent'),
    sibling: t('兄弟姐妹', 'sibling'),
    other: t('其他', 'other'),
  },
  Health: {
    healthy: t('健康', 'healthy'),
    chronic_illness: t('长期慢性病', 'chronic illness'),
    serious_illness: t('大病', 'serious illness'),
    disabled: t('残疾', 'disabled'),
  },
  LabourCapacity: {
    ordinary: t('普通劳动力', 'ordinary labour'),
    skilled: t('技能劳动力', 'skilled labour'),
    weak: t('弱劳动力', 'weak labour'),
    lost: t('丧失劳动力', 'lost labour capacity'),
    none: t('无劳动力', 'no labour capacity'),
  },
  Schooling: {
    not_in_school: t('非在校生', 'not in school'),
    preschool: t('学前教育', 'preschool'),
    primary: t('小学', 'primary'),
    junior_secondary: t('初中', 'junior secondary'),
    senior_secondary: t('高中', 'senior secondary'),
    secondary_vocational: t('中职', 'secondary vocational'),
    higher_vocational: t('高职', 'higher vocational'),
    university: t('大学', 'university'),
  },
  AssistanceCategory: {
    industry: t('产业扶贫', 'industry'),
    employment: t('就业扶贫', 'employment'),
    public_welfare_job: t('公益岗位', 'public-welfare job'),
    training: t('技能培训', 'training'),
    education_aid: t('教育资助', 'education aid'),
    health_aid: t('健康扶贫', 'health aid'),
    housing_renovation: t('危房改造', 'housing renovation'),
    relocation: t('易地扶贫搬迁', 'relocation'),
    micro_credit: t('小额信贷', 'micro-credit'),
    minimum_living_guarantee: t('低保兜底', 'minimum living guarantee'),
    ecological_ranger: t('生态护林员', 'ecological ranger'),
    asset_income: t('资产收益', 'asset income'),
    other: t('其他', 'other'),
  },
  FundingSource: {
    central: t('中央财政', 'central government'),
    provincial: t('省级财政', 'province'),
    municipal: t('市级财政', 'municipality'),
    county: t('县级财政', 'county'),
    pairing_assistance: t('结对帮扶', 'pairing assistance'),
    bank_credit: t('银行信贷', 'bank credit'),
    social_donation: t('社会捐助', 'social donation'),
    self_raised: t('自筹', 'self-raised'),
    other: t('其他', 'other'),
  },
  MonitoringCategory: {
    unstable_exited: t('脱贫不稳定户', 'unstable exited household'),
    edge_vulnerable: t('边缘易致贫户', 'edge household'),
    sudden_hardship: t('突发严重困难户', 'sudden hardship'),
  },
  RiskType: {
    illness: t('因病', 'illness'),
    schooling: t('因学', 'schooling costs'),
    disability: t('因残', 'disability'),
    disaster: t('因灾', 'disaster'),
    accident: t('因意外事故', 'accident'),
    business_failure: t('产业项目失败', 'business failure'),
    unstable_employment: t('务工就业不稳', 'unstable employment'),
    lack_of_labour: t('缺劳动力', 'lack of labour'),
    housing_insecure: t('住房出现安全问题', 'unsafe housing'),
    drinking_water_insecure: t('饮水安全问题', 'unsafe drinking water'),
    other: t('其他', 'other'),
  },
  AlertChannel: {
    self_report: t('农户自主申报', 'self-report'),
    cadre_visit: t('干部排查', 'cadre’s visit'),
    department: t('部门筛查预警', 'department screening'),
    petition: t('来信来访', 'petition'),
    inspection: t('督查检查', 'inspection'),
  },
  AlertDepartment: {
    medical_insurance: t('医保部门', 'medical insurance'),
    civil_affairs: t('民政部门', 'civil affairs'),
    emergency: t('应急管理部门', 'emergency management'),
    education: t('教育部门', 'education'),
    human_resources: t('人社部门', 'human resources'),
    housing: t('住建部门', 'housing'),
    water: t('水利部门', 'water'),
    disabled_persons: t('残联', 'disabled persons’ federation'),
  },
  AlertOutcome: {
    taken_in: t('纳入监测', 'taken into monitoring'),
    excluded: t('核实无风险，不纳入', 'excluded: no risk found'),
    already_monitored: t('已是监测对象', 'already monitored'),
    referred: t('转其他政策', 'referred to another programme'),
  },
  MeasureStatus: {
    planned: t('已计划', 'planned'),
    under_way: t('实施中', 'under way'),
    completed: t('已完成', 'completed'),
    cancelled: t('已取消', 'cancelled'),
  },
  WrongExitSource: {
    review: t('回头看', 'review (回头看)'),
    inspection: t('督查巡查', 'inspection'),
    assessment: t('第三方评估', 'third-party assessment'),
  },
  ExitCriterion: {
    assessment_in_exit_year: t('退出年度有入户核查', 'an assessment in the exit year'),
    income_line_known: t('当年收入标准已知', 'the year’s income line is known'),
    income_above_line: t('人均纯收入高于当年标准', 'income per head above the line'),
    food: t('不愁吃', 'enough food'),
    clothing: t('不愁穿', 'enough clothing'),
    compulsory_education: t('义务教育有保障', 'compulsory education'),
    basic_medical: t('基本医疗有保障', 'basic medical care'),
    safe_housing: t('住房安全有保障', 'safe housing'),
    safe_drinking_water: t('饮水安全有保障', 'safe drinking water'),
  },
  ComparisonAgency: {
    household_registration: t('公安户籍', 'household registration'),
    vehicles: t('车辆登记', 'vehicles'),
    real_estate: t('不动产登记', 'real estate'),
    business_registration: t('工商登记', 'business registration'),
    public_payroll: t('财政供养人员', 'public payroll'),
    social_assistance: t('社会救助', 'social assistance'),
    disability: t('残联', 'disability federation'),
  },
  NaturalDecreaseReason: { died_out: t('死亡销户', 'died out'), moved_away: t('迁出', 'moved away') },
  MemberJoinReason: {
    birth: t('出生', 'birth'),
    marriage: t('婚入', 'marriage'),
    moving_in: t('迁入', 'moving in'),
    other: t('其他', 'other'),
  },
  MemberLeaveReason: {
    death: t('死亡', 'death'),
    marriage: t('婚出', 'marriage'),
    moving_out: t('迁出', 'moving out'),
    other: t('其他', 'other'),
  },
  Verdict: {
    correctly_exited: t('脱贫准确', 'correctly exited'),
    wrongly_exited: t('错退', 'wrongly exited'),
    correctly_registered: t('识别准确', 'correctly registered'),
    wrongly_included: t('错评', 'wrongly included'),
    omitted: t('漏评', 'omitted'),
    not_poor: t('非贫困户', 'not poor'),
  },
  Stratum: {
    exited: t('已脱贫户', 'exited'),
    registered: t('未脱贫户', 'registered, not exited'),
    outside: t('非建档立卡户', 'outside the registry'),
  },
  VillageStratum: { poor: t('贫困村', 'poor village'), other: t('非贫困村', 'other village') },
  RectificationAction: {
    annul_exit: t('撤销错误退出', 'annul the exit'),
    remove: t('清退', 'remove from the registry'),
    invite_application: t('组织申请纳入', 'invite to apply'),
  },
  AssessmentRecommendation: {
    exit: t('符合退出条件', 'meets the exit standard'),
    not_exit: t('不符合退出条件', 'does not meet the exit standard'),
    incomplete: t('评估尚未完成', 'assessment incomplete'),
  },
  RateComparison: { below: t('低于', 'below'), at_least: t('不低于', 'at least') },
} as const satisfies Record<string, Record<string, Text>>;

export type EnumName = keyof typeof ENUM_LABELS;

/** Event types as a timeline shows them. */
export const EVENT_LABELS: Record<string, Text> = {
  ApplicationSubmitted: t('农户申请', 'application submitted'),
  VillageReviewRecorded: t('村民代表评议', 'village review'),
  PublicNoticeOpened: t('公示开始', 'public notice opened'),
  ObjectionRecorded: t('公示异议', 'objection recorded'),
  ObjectionResolved: t('异议处理', 'objection resolved'),
  PublicNoticeClosed: t('公示结束', 'public notice closed'),
  TownshipReviewRecorded: t('乡镇审核', 'township review'),
  DataComparisonRecorded: t('数据比对', 'data comparison'),
  RegistrationApproved: t('县级审定，建档立卡', 'registration approved'),
  ApplicationRejected: t('识别未通过', 'application rejected'),
  HelperAssigned: t('确定帮扶责任人', 'helper assigned'),
  HouseholdDetailsChanged: t('户信息变更', 'details changed'),
  ConditionsAssessed: t('入户核查（两不愁三保障）', 'conditions assessed'),
  AssistancePlanned: t('帮扶措施计划', 'assistance planned'),
  AssistanceDelivered: t('帮扶措施落实', 'assistance delivered'),
  VisitRecorded: t('走访', 'visit'),
  MemberAdded: t('增加成员', 'member added'),
  MemberUpdated: t('成员信息变更', 'member updated'),
  MemberRemoved: t('减少成员', 'member removed'),
  ExitProposed: t('拟退出', 'exit proposed'),
  ExitConfirmed: t('户签字确认', 'exit confirmed by household'),
  ExitVerified: t('乡镇核实', 'exit verified'),
  ExitApproved: t('县级批准脱贫退出', 'exit approved'),
  ExitRejected: t('退出未通过', 'exit refused'),
  ReturnedToPoverty: t('返贫', 'returned to poverty'),
  HouseholdImported: t('导入（原有建档立卡户）', 'imported from an existing roll'),
  ExitImported: t('导入（原有脱贫记录）', 'exit imported from an existing roll'),
  MeasureStatusChanged: t('帮扶措施进度变更', 'measure status changed'),
  AgencyFindingRecorded: t('部门数据比对结果', 'agency comparison finding'),
  MoveProposed: t('申请迁出', 'move proposed'),
  HouseholdPlanRecorded: t('一户一策帮扶计划', 'household plan recorded'),
  HouseholdMoved: t('迁入', 'household moved'),
  MoveCancelled: t('撤销迁移', 'move withdrawn'),
  ExitAnnulled: t('错退：撤销脱贫退出，恢复在册', 'exit annulled as wrong (wrong exit)'),
  AttributeAndCausesAdjusted: t('动态调整（属性、致贫原因）', 'attribute and causes adjusted'),
  MonitoringStarted: t('纳入监测', 'monitoring started'),
  MonitoringEnded: t('风险消除，解除监测', 'monitoring ended'),
  RiskAlertRaised: t('风险预警', 'risk alert'),
  RiskAlertVerified: t('入户核实', 'alert verified'),
  MonitoringIdentificationRejected: t('监测对象识别认定不通过', 'monitoring identification rejected'),
  RiskEliminationProposed: t('风险消除申请', 'risk elimination proposed'),
  RiskEliminationRejected: t('风险消除不通过', 'risk elimination refused'),
  RemovedFromRegistry: t('清退', 'removed from registry'),
  NaturalDecreaseRecorded: t('自然减少', 'natural decrease'),
  EventCorrected: t('更正', 'correction'),
};

/** Steps of the identification and exit cases. */
export const CASE_LABELS: Record<string, Text> = {
  identification: t('识别', 'identification'),
  exit: t('退出', 'exit'),
  monitoring: t('监测对象识别认定', 'monitored household’s identification'),
  elimination: t('风险消除', 'risk elimination'),
  village_review: t('村级评议', 'village review'),
  village_notice: t('村级公示', 'village notice'),
  township_review: t('乡镇审核', 'township review'),
  township_notice: t('乡镇公示', 'township notice'),
  data_comparison: t('数据比对', 'data comparison'),
  county_approval: t('县级审定', 'county approval'),
  confirmation: t('户签字确认', 'household confirmation'),
  township_verification: t('乡镇核实', 'township verification'),
  county_decision: t('县级审定', 'county decision'),
};

/** The steps the policy assigns to levels (dutyLevels), and the levels. */
export const DUTY_LABELS: Record<string, Text> = {
  application: t('申请', 'application'),
  village_review: t('村级评议', 'village review'),
  village_notice: t('村级公示', 'village notice'),
  township_review: t('乡镇审核', 'township review'),
  township_notice: t('乡镇公示', 'township notice'),
  data_comparison: t('数据比对', 'data comparison'),
  county_approval: t('县级审定', 'county approval'),
  exit_proposal: t('退出提议', 'exit proposal'),
  exit_confirmation: t('户签字确认', 'household confirmation'),
  township_verification: t('乡镇核实', 'township verification'),
  exit_approval: t('县级批准退出', 'exit approval'),
  exit_annulment: t('撤销错退', 'exit annulment'),
  removal: t('清退', 'removal'),
  import: t('导入名册', 'roll import'),
  move_out: t('迁出', 'move out'),
  move_in: t('迁入', 'move in'),
  poor_village_designation: t('认定贫困村', 'poor village designation'),
  village_exit_proposal: t('贫困村退出申请', 'village exit proposal'),
  village_exit_review: t('贫困村退出审核', 'village exit review'),
  village_exit_announcement: t('贫困村退出公告', 'village exit announcement'),
  county_exit_proposal: t('贫困县摘帽申请', 'county exit proposal'),
  county_exit_review: t('贫困县摘帽审核', 'county exit review'),
  county_exit_announcement: t('贫困县摘帽公告', 'county exit announcement'),
  risk_alert: t('风险预警', 'risk alert'),
  alert_verification: t('入户核实', 'alert verification'),
  monitoring_decision: t('监测对象县级审定', 'county decision on a monitored household'),
  elimination_proposal: t('风险消除申请', 'risk elimination proposal'),
  elimination_approval: t('风险消除县级审核批准', 'risk elimination approval'),
};
export const LEVEL_LABELS: Record<string, Text> = {
  province: t('省级', 'province'),
  city: t('市级', 'city'),
  county: t('县级', 'county'),
  township: t('乡镇', 'township'),
  village: t('村级', 'village'),
};

/**
 * What a refusal says, by its stable code: the GraphQL problem types' codes and the rules'
 * codes (RuleViolation.rule). The English text is the rule's; the API's own English message
 * keeps the details (ids, statuses) the rule found.
 */
export const REFUSAL_LABELS: Record<string, Text> = {
  VALIDATION: t('输入有误', 'invalid input'),
  BAD_USER_INPUT: t('输入有误', 'invalid input'),
  GRAPHQL_VALIDATION_FAILED: t('请求不符合接口定义', 'the request does not fit the API'),
  FORBIDDEN: t('无权执行此操作', 'not allowed'),
  NOT_FOUND: t('找不到该户', 'no such household'),
  CONCURRENCY_CONFLICT: t('该户已被他人更新，请刷新后重试', 'the household changed meanwhile: reload and retry'),
  STATUS: t('该户当前状态不允许此操作', 'the household’s status does not allow this'),
  CASE_OPEN: t('该户已有进行中的识别或退出流程', 'a case is already open'),
  NO_OPEN_CASE: t('该户没有进行中的流程', 'there is no open case'),
  OUT_OF_ORDER: t('流程步骤顺序不对', 'not the case’s current step'),
  BEFORE_PREVIOUS_STEP: t('生效日期早于上一环节的日期', 'effective before the case’s previous step'),
  NOTICE_OPEN: t('公示尚未结束', 'a public notice is still open'),
  NO_OPEN_NOTICE: t('没有正在进行的公示', 'no public notice is open'),
  NOTICE_PERIOD_NOT_OVER: t('公示期未满', 'the notice period is not over'),
  OUTSIDE_NOTICE_PERIOD: t('不在公示期内', 'outside the notice period'),
  OBJECTIONS_PENDING: t('仍有未处理的异议', 'objections are pending'),
  OBJECTION_RESOLVED: t('该异议已处理', 'the objection is already resolved'),
  NO_SUCH_OBJECTION: t('没有该异议', 'no such objection'),
  DISQUALIFYING_FINDINGS: t('数据比对发现不符合条件的情况', 'the data comparison found disqualifying facts'),
  FINDING_NOT_DISQUALIFYING: t('所引比对结果并不构成清退理由', 'the finding cited does not disqualify'),
  EXIT_CRITERIA_UNMET: t('未达到脱贫退出标准', 'the exit criteria are not met'),
  NO_HELPER: t('该户尚未确定帮扶责任人', 'the household has no helper'),
  ALREADY_ASSIGNED: t('已是该户的帮扶责任人', 'already the household’s helper'),
  NO_SUCH_MEMBER: t('该户没有这名成员', 'no such member'),
  MEMBER_EXISTS: t('该成员已在户内', 'the member is already in the household'),
  NATIONAL_ID_EXISTS: t('该身份证号已在户内', 'this national ID number is already in the household'),
  NATIONAL_ID_IN_OTHER_HOUSEHOLD: t(
    '该身份证号已在另一未销户的户中（一人只能在一户），请办理成员迁移',
    'this national ID number is in another open household (one person, one household): move the person instead',
  ),
  CARD_NUMBER_TAKEN: t('该卡号已发给另一户，卡号不得重复', 'this card number was issued to another household'),
  KEY_CLAIM_PENDING: t(
    '另一操作正在登记同一号码，请稍后重试',
    'another command is taking the same number: retry shortly',
  ),
  HEAD_EXISTS: t('该户已有户主', 'the household already has a head'),
  NOT_HEAD: t('此人不是户主', 'not the head'),
  NEW_HEAD_REQUIRED: t('户主离开时须指定新户主', 'a new head is required'),
  LAST_MEMBER: t('不能移除最后一名成员，请登记自然减少', 'the last member cannot leave; record a natural decrease'),
  NO_SUCH_MEASURE: t('没有该帮扶措施', 'no such measure'),
  MEASURE_EXISTS: t('该帮扶措施已存在', 'the measure exists'),
  OVER_DELIVERY: t('落实资金超过计划', 'more delivered than planned'),
  NOT_ASSISTED: t('该户不在帮扶中', 'the household is not assisted'),
  ALREADY_MONITORED: t('该户已在监测中', 'already monitored'),
  NOT_MONITORED: t('该户不在监测中', 'not monitored'),
  REGISTRATION_CLOSED: t(
    '建档立卡识别已结束，不再受理贫困户申请：新发现的困难农户请登记风险预警，经入户核实后纳入防返贫动态监测',
    'registration has closed: a household at risk enters through monitoring (record a risk alert)',
  ),
  MONITORING_NOT_IN_FORCE: t('防返贫动态监测在该日期尚未施行', 'the monitoring regime is not in force on that date'),
  MONITORING_STANDARD_UNKNOWN: t(
    '政策参数中没有当年的防止返贫监测标准，请先在政策参数中录入',
    'the policy has no monitoring standard for the year',
  ),
  ABOVE_MONITORING_STANDARD: t(
    '人均纯收入不低于当年监测标准：脱贫不稳定户、边缘易致贫户须在监测范围内；因刚性支出较大或收入大幅缩减陷入严重困难的，请认定为突发严重困难户',
    'the income per head is not below the monitoring standard: only a sudden hardship takes such a household in',
  ),
  MONITORING_THROUGH_ALERT: t(
    '防返贫动态监测施行后，监测对象须经风险预警、入户核实、民主评议和公示、乡镇审核、县级审定纳入，不能直接纳入',
    'under the monitoring regime a household is taken in through an alert, its verification and the county’s decision',
  ),
  ELIMINATION_CRITERIA_UNMET: t('未达到风险消除条件', 'the risk elimination criteria are not met'),
  ELIMINATION_THROUGH_CASE: t(
    '防返贫动态监测施行后，风险消除须经申请、民主评议和公示、县级审核批准，不能直接解除监测',
    'under the monitoring regime a risk is eliminated through its proposal, review, notice and approval',
  ),
  ALERT_EXISTS: t('该风险预警已登记', 'the alert is already on record'),
  NO_SUCH_ALERT: t('该户没有这条风险预警', 'no such alert'),
  ALERT_VERIFIED: t('该风险预警已核实，不能重复核实', 'the alert is already verified'),
  HOUSEHOLD_CLOSED: t('该户已退出名册', 'the household has left the registry'),
  NO_SUCH_EVENT: t('没有该事件', 'no such event'),
  LEVEL_NOT_ALLOWED: t(
    '该环节不属于您所在层级的职责（村申请、乡审核、县审批）',
    'this step belongs to another level of government',
  ),
  SAME_PERSON: t('审核与审批须由不同的人办理', 'the review and its approval must be recorded by different people'),
  MEASURE_CLOSED: t('该帮扶措施已完成或已取消', 'the measure is completed or cancelled'),
  ALREADY_RECORDED: t('该户已在系统中', 'the household is already in the registry'),
  NO_SUCH_EXIT: t('该户最近一次脱贫退出不是所填年度', 'the household’s latest exit is not of that year'),
  NO_CHANGE: t('所填信息与现有信息相同，无需变更', 'nothing to change'),
  NOT_CORRECTABLE: t('该事件不可更正', 'this event cannot be corrected'),
  KEY_FIELD_CHANGED: t('关键字段不可通过更正修改', 'a key field cannot be changed by correction'),
  ASSESSMENT_EXISTS: t('该评估已开启', 'the assessment is already open'),
  NO_SUCH_ASSESSMENT: t('没有该评估', 'no such assessment'),
  VILLAGE_OUTSIDE_AREA: t('所列贫困村不在评估范围内', 'a listed poor village is outside the area assessed'),
  SAMPLE_ALREADY_DRAWN: t('样本已抽取，不能重抽', 'the sample is already drawn'),
  SEED_MISMATCH: t('种子与开启评估时承诺的哈希值不符', 'the seed does not match the commitment made at opening'),
  SAMPLE_NOT_DRAWN: t('尚未抽取样本', 'the sample is not drawn yet'),
  NOT_IN_SAMPLE: t('该户不在本次抽样样本中', 'the household is not in the sample'),
  VILLAGE_NOT_SAMPLED: t('该村不是抽中的样本村', 'the village is not among those drawn'),
  VERDICT_NOT_FOR_STRATUM: t('该类农户不能作此结论', 'this verdict does not fit the household’s stratum'),
  VERDICT_CONTRADICTS_FINDINGS: t(
    '结论与调查结果矛盾：须收入高于当年标准且两不愁三保障全部达标',
    'the verdict contradicts the findings: income above the line and every condition met are needed',
  ),
  NOTES_REQUIRED: t(
    '收入和两不愁三保障均达标却判为贫困，须在备注中说明理由',
    'say in notes why the household counts as poor',
  ),
  REASON_REQUIRED: t('该户已有调查结论，重新记录须说明原因', 'the household already has a finding: give a reason'),
  MOVE_PENDING: t('该户已有待接收的迁移', 'a move is already pending'),
  NO_PENDING_MOVE: t('该户没有待接收的迁移', 'no move is pending'),
  SAME_VILLAGE: t('迁入村与现居住村相同', 'the household already lives in that village'),
  ALREADY_POOR_VILLAGE: t('该村已是建档立卡贫困村', 'the village is already a poor village'),
  NOT_AN_EXIT_AREA: t('只有村和县办理贫困退出', 'only villages and counties exit'),
  AREA_ALREADY_EXITED: t('该地区已退出', 'the area has already exited'),
  NOT_POOR_VILLAGE: t('该村不是建档立卡贫困村', 'the village is not a registered poor village'),
  AREA_EXIT_CRITERIA_UNMET: t('未达到退出标准', 'the exit standard is not met'),
  READ_MODEL_BEHIND: t('数据仍在同步，请稍后重试', 'the read models are catching up: retry shortly'),
  DATABASE_UNAVAILABLE: t('数据库暂时不可用，请稍后重试', 'the database is unavailable: retry shortly'),
  READ_NOT_RECORDED: t(
    '本次个人信息查询未能留痕，按规定不予返回，请稍后重试',
    'the read of personal data could not be recorded, so it was not served: retry shortly',
  ),
  UNAUTHENTICATED: t('登录已失效，请重新登录', 'your sign-in has expired: sign in again'),
  NETWORK: t('无法连接服务器', 'cannot reach the server'),
  INTERNAL: t('服务器内部错误', 'internal error'),
};

/** The words of an assessment's results and report, shared by the API's report and the console. */
export const ASSESSMENT_LABELS = {
  incidence: t('综合贫困发生率', 'composite poverty incidence'),
  wrongExit: t('错退率', 'wrong-exit rate'),
  omission: t('漏评率', 'omission rate'),
  wrongInclusion: t('错评率', 'wrong-inclusion rate'),
  approval: t('群众认可度', 'public approval'),
  report: t('第三方评估报告', 'third-party assessment report'),
  area: t('评估范围', 'area assessed'),
  areaCode: t('区划代码', 'area code'),
  year: t('评估年度', 'year'),
  cutoff: t('数据截止日期', 'cut-off date'),
  knownAt: t('名册数据时点', 'registry as known at'),
  asOf: t('报告时点', 'report as of'),
  seed: t('随机种子', 'seed'),
  commitment: t('种子承诺（SHA-256）', 'seed commitment (SHA-256)'),
  frameDigest: t('抽样框摘要（SHA-256）', 'sampling frame digest (SHA-256)'),
  logHead: t('抽样时的日志树头（签名）', 'log head signed at the draw'),
  frame: t('抽样框', 'sampling frame'),
  sample: t('样本', 'sample'),
  villages: t('村', 'villages'),
  households: t('户', 'households'),
  value: t('测算值', 'value'),
  interval: t('95%置信区间', '95% interval'),
  counted: t('分子/分母', 'numerator / denominator'),
  threshold: t('标准', 'threshold'),
  meets: t('是否达标', 'meets'),
  yes: t('达标', 'yes'),
  no: t('未达标', 'no'),
  unknown: t('无法测算', 'cannot tell'),
  certain: t('区间同侧', 'interval on the same side'),
  recommendation: t('评估结论', 'recommendation'),
  byTownship: t('分乡镇', 'by township'),
  byVillage: t('分村', 'by village'),
  verdicts: t('入户调查结论', 'verdicts of the households surveyed'),
  sampled: t('抽中户数', 'households drawn'),
  surveyed: t('已调查样本户', 'drawn households surveyed'),
  outside: t('已调查非建档立卡户', 'households outside the registry surveyed'),
  missingFindings: t('尚未调查的样本户', 'drawn households not yet surveyed'),
  noPopulation: t('缺少农村人口数的样本村', 'sampled villages without a rural population'),
  method: t(
    '比率以人计；区间为95% Wilson区间，样本率按整户抽样的设计效应调整；漏评率分母为样本村非建档立卡农村人口；综合贫困发生率=（未脱贫人口+推算漏评人口+推算错退人口）÷农村人口。',
    'Rates are of people; intervals are 95% Wilson intervals, the sample rates adjusted for the design effect of sampling whole households; the omission rate divides by the non-registered rural people of the sampled villages; composite incidence = (registered poor + estimated omitted + estimated wrongly exited people) ÷ rural population.',
  ),
} as const satisfies Record<string, Text>;

/** A text in a language. */
export function say(text: Text, language: Language): string {
  return text[language];
}

/** The label of an enum value; the value itself when the catalogue does not know it. */
export function enumLabel(name: EnumName, value: string, language: Language): string {
  const labels: Record<string, Text> = ENUM_LABELS[name];
  return labels[value]?.[language] ?? value;
}

/** Fen as yuan, two decimals, with the unit: 460000 → "4,600.00 元" / "¥4,600.00". */
export function formatYuan(fen: number, language: Language): string {
  const yuan = (fen / 100).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return language === 'zh' ? `${yuan} 元` : `¥${yuan}`;
}

/** An ISO date as Chinese users write it: 2019-12-01 → 2019年12月1日. */
export function formatDate(iso: string, language: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return language === 'zh' ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * One unmet exit criterion, and by how much where it is a number: the income criterion names
 * the income per head, the line and the shortfall.
 */
export function unmetCriterionText(criterion: string, facts: Record<string, unknown>, language: Language): string {
  const label = enumLabel('ExitCriterion', criterion, language);
  const income = facts.incomePerCapitaFen;
  const line = facts.incomeLineFen;
  if (criterion === 'income_above_line' && typeof income === 'number' && typeof line === 'number') {
    const short = formatYuan(line - income + 1, language);
    return language === 'zh'
      ? `${label}：人均纯收入 ${formatYuan(income, 'zh')}，当年标准 ${formatYuan(line, 'zh')}，至少还差 ${short}`
      : `${label}: ${formatYuan(income, 'en')} a head against a line of ${formatYuan(line, 'en')}, short by at least ${short}`;
  }
  if (criterion === 'income_line_known' && typeof facts.year === 'number') {
    const from = typeof facts.monitoringFrom === 'string' ? facts.monitoringFrom : undefined;
    if (from && facts.year >= Number(from.slice(0, 4))) {
      return language === 'zh'
        ? `${facts.year}年没有贫困线：脱贫攻坚已于${Number(from.slice(0, 4)) - 1}年底完成，自${formatDate(from, 'zh')}起不再办理建档立卡脱贫退出；有返贫风险的脱贫户请纳入防返贫动态监测，风险稳定消除后标注风险消除`
        : `there is no poverty line for ${facts.year}: from ${from} households are not exited from the registry any more; a household at risk is monitored, and its risk eliminated`;
    }
    return language === 'zh'
      ? `${facts.year}年的收入标准尚未录入政策参数，请先在政策参数中录入`
      : `the policy has no income line for ${facts.year}: record it in a policy version first`;
  }
  if (criterion === 'assessment_in_exit_year' && typeof facts.year === 'number') {
    return language === 'zh' ? `${label}：${facts.year}年没有入户核查记录` : `${label}: none in ${facts.year}`;
  }
  return language === 'zh' ? `${label}：未达到` : `${label}: not met`;
}

/**
 * Field names as a clerk reads them, by the last name in an issue's path (`input.data.cardNumber`
 * → 卡号); a member's field names the member (第2位成员的身份证号). A name not listed is shown as is.
 */
export const FIELD_LABELS: Record<string, Text> = {
  effectiveAt: t('生效日期', 'effective date'),
  areaName: t('区划名称', 'area name'),
  into: t('并入区划', 'merged into'),
  reason: t('原因', 'reason'),
  purpose: t('查询用途', 'purpose'),
  householdId: t('户ID', 'household id'),
  expectedVersion: t('版本', 'version'),
  commandId: t('操作编号', 'command id'),
  cardNumber: t('卡号', 'card number'),
  attribute: t('贫困户属性', 'attribute'),
  mainCause: t('主要致贫原因', 'main cause'),
  otherCauses: t('其他致贫原因', 'other causes'),
  household: t('农户信息', 'household'),
  members: t('家庭成员', 'members'),
  member: t('成员', 'member'),
  villageCode: t('行政村', 'village'),
  areaCode: t('区划', 'area'),
  effectiveOn: t('业务日期', 'effective on'),
  group: t('村民小组', 'group'),
  address: t('地址', 'address'),
  phone: t('联系电话', 'phone'),
  bankAccount: t('银行账号', 'bank account'),
  name: t('姓名', 'name'),
  nationalId: t('身份证号', 'ID number'),
  sex: t('性别', 'sex'),
  birthDate: t('出生日期', 'birth date'),
  relation: t('与户主关系', 'relation'),
  health: t('健康状况', 'health'),
  disabilityGrade: t('残疾等级', 'disability grade'),
  labourCapacity: t('劳动能力', 'labour capacity'),
  schooling: t('在校情况', 'schooling'),
  statement: t('申请说明', 'statement'),
  year: t('年度', 'year'),
  incomePerCapitaFen: t('人均纯收入', 'income per head'),
  rigidExpenditureFen: t('刚性支出', 'rigid expenditure'),
  amountFen: t('金额', 'amount'),
  category: t('类别', 'category'),
  description: t('内容', 'description'),
  fundingSource: t('资金来源', 'funding source'),
  measureId: t('帮扶措施', 'measure'),
  helper: t('帮扶责任人', 'helper'),
  helperId: t('帮扶责任人编号', 'helper id'),
  unit: t('单位', 'unit'),
  notes: t('备注', 'notes'),
  channel: t('发现途径', 'channel'),
  department: t('预警部门', 'department'),
  indicator: t('预警指标', 'indicator'),
  risks: t('风险类型', 'risks'),
  detail: t('情况说明', 'detail'),
  alertId: t('风险预警', 'alert'),
  outcome: t('核实结论', 'outcome'),
  referredTo: t('转介部门', 'referred to'),
  approved: t('评议结果', 'approved'),
  votesFor: t('赞成票', 'votes for'),
  votesAgainst: t('反对票', 'votes against'),
  findings: t('比对结果', 'findings'),
  evidence: t('依据', 'evidence'),
  eventId: t('被更正的记录', 'event corrected'),
  treeSize: t('日志树头大小', 'tree size'),
  first: t('条数', 'first'),
  second: t('较晚的树头大小', 'later tree size'),
  'logInclusionProof.eventId': t('事件编号', 'event id'),
  'logConsistencyProof.first': t('较早的树头大小', 'earlier tree size'),
  'logConsistencyProof.second': t('较晚的树头大小', 'later tree size'),
  replacementData: t('更正内容', 'replacement'),
  noticeDays: t('公示天数', 'notice days'),
  minVisitsPerYear: t('每年最少走访次数', 'visits a year'),
  population: t('农村人口数', 'rural population'),
  exitedOn: t('退出日期', 'exited on'),
  assessedOn: t('评估日期', 'assessed on'),
  incomeLineFen: t('收入标准', 'income line'),
  incomeLineSource: t('标准来源', 'line from'),
  policyId: t('政策版本', 'policy version'),
  conditions: t('两不愁三保障', 'conditions'),
  food: t('不愁吃', 'food'),
  clothing: t('不愁穿', 'clothing'),
  compulsoryEducation: t('义务教育有保障', 'compulsory education'),
  safeHousing: t('住房安全有保障', 'safe housing'),
  safeDrinkingWater: t('饮水安全有保障', 'safe drinking water'),
  verifiedOn: t('核实日期', 'verified on'),
  confirmedOn: t('签字日期', 'confirmed on'),
  signedByMemberId: t('签字成员', 'signed by'),
  visitedOn: t('走访日期', 'visited on'),
  unmetCriteria: t('未达标项', 'unmet criteria'),
  step: t('环节', 'step'),
};

/** Where an issue is, as a clerk reads it: the field's label, a member's position. */
export function fieldLabel(path: string, language: Language): string {
  const parts = path.split('.').filter((p) => p !== 'input' && p !== 'data');
  const last = [...parts].reverse().find((p) => !/^\d+$/.test(p));
  // A whole path's own label first (one argument name, two meanings), then its last part's.
  const label = FIELD_LABELS[parts.join('.')]?.[language] ?? (last ? (FIELD_LABELS[last]?.[language] ?? last) : '');
  const member = parts.indexOf('members');
  const index = member >= 0 ? parts[member + 1] : undefined;
  if (index !== undefined && /^\d+$/.test(index) && last !== 'members') {
    return language === 'zh' ? `第${Number(index) + 1}位成员的${label}` : `member ${Number(index) + 1}: ${label}`;
  }
  return label || (language === 'zh' ? '输入' : '(input)');
}

/**
 * A field rule's text in Chinese, from the English the schemas and zod give (stable, and kept
 * for machines in `message`): the registry's own rules one by one, zod's own by their pattern.
 * A rule not listed reads as 不符合填写规则, never as English.
 */
const RULE_TEXTS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^must be 4 to 40 letters, digits or -$/, () => '须为 4 至 40 位字母、数字或“-”'],
  [/^must be 18 characters: 17 digits and a digit or X$/, () => '须为 18 位：17 位数字加 1 位数字或 X'],
  [/^must be 7 to 15 digits$/, () => '须为 7 至 15 位数字'],
  [/^must be 12 to 30 digits$/, () => '须为 12 至 30 位数字'],
  [/^must be a 12-digit statistical area code$/, () => '须为 12 位统计用区划代码'],
  [/^must be a village-level code/, () => '须为村级区划代码'],
  [/^must not name a village without its township/, () => '村级代码须含所属乡镇'],
  [/^must be a calendar date YYYY-MM-DD$/, () => '须为日期（YYYY-MM-DD）'],
  [/^must be a date that exists in the calendar$/, () => '日期不存在'],
  [/^must not be in the future \(today is (\d{4}-\d{2}-\d{2})/, (m) => `不能晚于今天（${m[1]}）`],
  [/^must not be in the future/, () => '不能晚于今天'],
  [/^must be a UUID$/, () => '编号格式不正确'],
  [/^required for a bulk read of personal data/, () => '批量查询、导出个人信息须说明用途（2 至 200 字）'],
  [/^must be after from$/, () => '须晚于开始时间'],
  // The tamper-evident log's proofs (services/api/src/graphql/log.ts).
  [/^must be an event id/, () => '须为记录编号（UUID）'],
  [/^is not in the sealed log/, () => '不在已封存的日志中（没有这条记录，或在最近一次封存之后才记录）'],
  [
    /^was sealed as leaf (\d+), after the head of (\d+) events$/,
    (m) => `封存在第 ${m[1]} 条，晚于所选树头（共 ${m[2]} 条）`,
  ],
  [/^no head has been signed yet$/, () => '尚未签署任何日志树头'],
  [/^no head was signed for (\d+) events$/, (m) => `没有为 ${m[1]} 条记录签署的日志树头`],
  [/^must be at least 1 and no more than second$/, () => '须不小于 1，且不大于较晚的树头大小'],
  [/^must be between (\d+) and (\d+)$/, (m) => `须在 ${m[1]} 至 ${m[2]} 之间`],
  [/^must be a whole number of fen/, () => '金额最多两位小数'],
  [/^must be a number of fen$/, () => '须为金额'],
  [/^must not be negative$/, () => '不能为负数'],
  [/^must not be empty$/, () => '不能为空'],
  [/^must be a whole year$/, () => '须为年份'],
  [/^must be 2000 or later$/, () => '须为 2000 年或以后'],
  [/^must be at most (\d+) characters$/, (m) => `不超过 ${m[1]} 个字`],
  [/^must be at least (\d+) characters$/, (m) => `至少 ${m[1]} 个字`],
  [/^must name at least one risk$/, () => '至少选择一种风险类型'],
  [/^must list at least the head of household$/, () => '至少须有户主'],
  [/^must not repeat the main cause$/, () => '不能与主要致贫原因重复'],
  [/^must match the sex encoded in the national ID number$/, () => '与身份证号所含性别不一致'],
  [/^must match the birth date in the national ID number$/, () => '与身份证号所含出生日期不一致'],
  [/^must change at least one/, () => '至少修改一项'],
  [/^must be another area than the one merged$/, () => '不能并入自身'],
  [/^must be an area of the same level as the one merged$/, () => '须并入同级区划'],
  [/^must be an area in the national register or named before/, () => '须为区划代码库中的区划，或已先行命名'],
  [/^must be valid Unicode text/, () => '含有无法保存的字符'],
  [/^must be a SHA-256 in hex$/, () => '须为 SHA-256 摘要（十六进制）'],
  [/^is required for a department’s alert$/, () => '部门筛查预警须填写预警部门'],
  [/^is only for a department’s alert$/, () => '仅部门筛查预警填写预警部门'],
  [/^is required when health is disabled, and only then$/, () => '健康状况为残疾时填写，且仅此时填写'],
  [/^is required when the objection is upheld, and only then$/, () => '异议成立时填写，且仅此时填写'],
  [/^is required to replace, and not allowed to void$/, () => '更正时须填写，作废时不能填写'],
  [/^is required for a household the registry has not recorded yet$/, () => '尚未建档的农户须填写'],
  [/^must be omitted: the household is already recorded$/, () => '农户已建档，不应填写'],
  [
    /^a household not yet on file is recorded with its details and its members together$/,
    () => '未建档农户须同时填写农户信息和家庭成员',
  ],
  [/^Invalid input: expected \w+, received undefined$/, () => '必填'],
  [/^Invalid input: expected (\w+), received (\w+)$/, () => '类型不正确'],
  [/^Invalid option/, () => '不是可选的值'],
  [
    /^Too small: expected (string|array) to have >=(\d+)/,
    (m) => (m[1] === 'array' ? `至少 ${m[2]} 项` : `至少 ${m[2]} 个字`),
  ],
  [
    /^Too big: expected (string|array) to have <=(\d+)/,
    (m) => (m[1] === 'array' ? `最多 ${m[2]} 项` : `不超过 ${m[2]} 个字`),
  ],
  [/^Too small: expected number to be >=?(-?[\d.]+)/, (m) => `不能小于 ${m[1]}`],
  [/^Too big: expected number to be <=?(-?[\d.]+)/, (m) => `不能大于 ${m[1]}`],
  [/^Invalid input: expected int/, () => '须为整数'],
  [/^Unrecognized keys?: (.*)$/, (m) => `不能有这些字段：${m[1]}`],
  [/^Invalid string: must match pattern/, () => '格式不正确'],
  [/^Invalid (ISO )?date/, () => '日期格式不正确'],
];

/** A field rule in a language: English as written, Chinese from the table above. */
export function ruleText(message: string, language: Language): string {
  if (language === 'en') return message;
  for (const [pattern, text] of RULE_TEXTS) {
    const match = message.match(pattern);
    if (match) return text(match);
  }
  return '不符合填写规则';
}

/** An issue as a clerk reads it: the field's label and its rule, in a language. */
export function issueText(issue: { path: string; message: string }, language: Language): string {
  if (language === 'en') return `${issue.path || '(input)'}: ${issue.message}`;
  return `${fieldLabel(issue.path, language)}：${ruleText(issue.message, language)}`;
}

/**
 * The text of a refusal in a language: in Chinese the code's label, and for unmet exit criteria
 * each criterion with its shortfall; in English the API's own message (`detail`) where there is
 * one. A validation refusal names each field with its rule.
 */
export function refusalText(
  refusal: {
    code: string;
    detail?: string;
    unmetCriteria?: readonly string[];
    facts?: Record<string, unknown>;
    /** A validation refusal's fields and rules (the rules' texts are English). */
    issues?: readonly { path: string; message: string }[];
  },
  language: Language,
): string {
  const label = REFUSAL_LABELS[refusal.code]?.[language];
  const unmet = refusal.unmetCriteria ?? [];
  if (unmet.length > 0) {
    const items = unmet.map((c) => unmetCriterionText(c, refusal.facts ?? {}, language));
    return `${label ?? refusal.code}${language === 'zh' ? '：' : ': '}${items.join(language === 'zh' ? '；' : '; ')}`;
  }
  if (refusal.issues && refusal.issues.length > 0) {
    const colon = language === 'zh' ? '：' : ': ';
    const items = refusal.issues.map((i) => issueText(i, language));
    return `${label ?? refusal.code}${colon}${items.join(language === 'zh' ? '；' : '; ')}`;
  }
  const monitoring = monitoringText(refusal.code, refusal.facts, language);
  if (label && monitoring) return `${label}${language === 'zh' ? '：' : ': '}${monitoring}`;
  const area = areaExitText(refusal.facts, language);
  if (label && area) return `${label}${language === 'zh' ? '：' : ': '}${area}`;
  const level = levelText(refusal.facts, language);
  if (label && level) return `${label}${language === 'zh' ? '：' : ': '}${level}`;
  const holder = holderText(refusal.facts, language);
  if (label && holder) return `${label}${language === 'zh' ? '：' : ': '}${holder}`;
  const details = factsText(refusal.code, refusal.facts, language);
  if (label && details) return `${label}：${details}`;
  // In English the rule's own message says more (dates, ids); in Chinese the catalogue's text.
  if (language === 'en' && refusal.detail) return refusal.detail;
  return label ?? refusal.detail ?? refusal.code;
}

/**
 * What a refusal's facts say, in Chinese, for the codes whose facts carry dates, steps, statuses
 * or amounts: the details the English message has, so a clerk reads them in their language.
 * Undefined where the facts say nothing more than the code's label (the English message then
 * still carries them).
 */
function factsText(code: string, facts: Record<string, unknown> | undefined, language: Language): string | undefined {
  if (language !== 'zh' || !facts) return undefined;
  const date = (v: unknown) => (typeof v === 'string' ? formatDate(v, 'zh') : '—');
  const step = (v: unknown) => CASE_LABELS[String(v)]?.zh ?? String(v);
  const status = (v: unknown) => (ENUM_LABELS.HouseholdStatus as Record<string, Text>)[String(v)]?.zh ?? String(v);
  const yuan = (v: unknown) => (typeof v === 'number' ? formatYuan(v, 'zh') : '—');
  switch (code) {
    case 'NOTICE_PERIOD_NOT_OVER':
      return facts.closesOn ? `公示至${date(facts.closesOn)}，期满后方可结束公示` : undefined;
    case 'OUTSIDE_NOTICE_PERIOD':
      return facts.closesOn ? `异议受理期为${date(facts.openedOn)}至${date(facts.closesOn)}` : undefined;
    case 'BEFORE_PREVIOUS_STEP':
      return facts.previousStepOn
        ? `生效日期${date(facts.effectiveAt)}早于上一环节的日期${date(facts.previousStepOn)}`
        : undefined;
    case 'OUT_OF_ORDER':
      return facts.expectedStep ? `当前环节为“${step(facts.expectedStep)}”` : undefined;
    case 'STATUS':
      return facts.status
        ? `该户当前为“${status(facts.status)}”${Array.isArray(facts.allowed) ? `，须为“${facts.allowed.map(status).join('”或“')}”` : ''}`
        : undefined;
    case 'OVER_DELIVERY':
      return typeof facts.plannedFen === 'number'
        ? `计划 ${yuan(facts.plannedFen)}，已落实 ${yuan(facts.deliveredFen)}，本次 ${yuan(facts.requestedFen)}，超出计划`
        : undefined;
    case 'CASE_OPEN':
      return facts.case ? `该户有未办结的“${step(facts.case)}”流程` : undefined;
    default:
      return undefined;
  }
}

/** The criteria of a village's or county's exit, as a refusal names them. */
const AREA_EXIT_CRITERIA: Record<string, Text> = {
  population_known: t('缺少当年农村人口数，无法测算贫困发生率', 'no rural population is known for the year'),
  incidence_below_threshold: t('贫困发生率未低于标准', 'the poverty incidence is not below the threshold'),
  assessment_recommends_exit: t('第三方评估未建议退出', 'no third-party assessment recommends the exit'),
};

/** An area exit's unmet criteria, with the incidence and threshold where known. */
function areaExitText(facts: Record<string, unknown> | undefined, language: Language): string | undefined {
  if (!facts || !Array.isArray(facts.unmet)) return undefined;
  const items = facts.unmet.map((c) => AREA_EXIT_CRITERIA[String(c)]?.[language] ?? String(c));
  const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : '—');
  const measured =
    typeof facts.threshold === 'number'
      ? language === 'zh'
        ? `（贫困发生率 ${pct(facts.incidence)}，标准 ${pct(facts.threshold)}）`
        : ` (incidence ${pct(facts.incidence)}, threshold ${pct(facts.threshold)})`
      : '';
  return `${items.join(language === 'zh' ? '；' : '; ')}${measured}`;
}

const LEVELS: Record<string, Text> = {
  province: t('省级', 'province'),
  city: t('市级', 'city'),
  county: t('县级', 'county'),
  township: t('乡镇级', 'township'),
  village: t('村级', 'village'),
};

/** Which level may record a step refused for the caller's level. */
function levelText(facts: Record<string, unknown> | undefined, language: Language): string | undefined {
  if (!facts || !Array.isArray(facts.allowed) || typeof facts.level !== 'string') return undefined;
  const name = (level: unknown) => LEVELS[String(level)]?.[language] ?? String(level);
  const allowed = facts.allowed.map(name).join(language === 'zh' ? '或' : ' or ');
  return language === 'zh'
    ? `应由${allowed}办理，您的辖区为${name(facts.level)}`
    : `recorded at ${allowed} level; your area is a ${name(facts.level)}`;
}

/** The dates and amounts behind a refusal of the monitoring regime. */
function monitoringText(code: string, facts: Record<string, unknown> | undefined, language: Language) {
  if (!facts) return undefined;
  const zh = language === 'zh';
  if (
    (code === 'REGISTRATION_CLOSED' ||
      code === 'MONITORING_NOT_IN_FORCE' ||
      code === 'MONITORING_THROUGH_ALERT' ||
      code === 'ELIMINATION_THROUGH_CASE') &&
    typeof facts.monitoringFrom === 'string'
  ) {
    return zh
      ? `防返贫动态监测自${formatDate(facts.monitoringFrom, 'zh')}起施行，所填日期为${formatDate(String(facts.effectiveAt), 'zh')}`
      : `monitoring is in force from ${facts.monitoringFrom}; the date given is ${String(facts.effectiveAt)}`;
  }
  if (code === 'ABOVE_MONITORING_STANDARD' && typeof facts.incomePerCapitaFen === 'number') {
    const standard = Number(facts.monitoringStandardFen);
    return zh
      ? `人均纯收入 ${formatYuan(facts.incomePerCapitaFen, 'zh')}，${String(facts.year)}年监测标准 ${formatYuan(standard, 'zh')}`
      : `${formatYuan(facts.incomePerCapitaFen, 'en')} a head against a standard of ${formatYuan(standard, 'en')}`;
  }
  if (code === 'ELIMINATION_CRITERIA_UNMET' && Array.isArray(facts.unmet)) {
    return facts.unmet.map((c) => eliminationCriterionText(String(c), facts, language)).join(zh ? '；' : '; ');
  }
  if (code === 'MONITORING_STANDARD_UNKNOWN' && typeof facts.year === 'number') {
    return zh ? `缺少${facts.year}年的监测标准` : `none for ${facts.year}`;
  }
  return undefined;
}

const ELIMINATION_CRITERIA: Record<string, Text> = {
  monitored_long_enough: t('纳入监测时间已满', 'monitored long enough'),
  assessment_in_year: t('当年有入户核查', 'an assessment in the year'),
  standard_known: t('当年监测标准已知', 'the year’s monitoring standard is known'),
  income_above_standard: t('人均纯收入稳定超过当年监测标准', 'income per head above the year’s standard'),
  food: t('不愁吃', 'food'),
  clothing: t('不愁穿', 'clothing'),
  compulsory_education: t('义务教育有保障', 'compulsory education'),
  basic_medical: t('基本医疗有保障', 'basic medical care'),
  safe_housing: t('住房安全有保障', 'safe housing'),
  safe_drinking_water: t('饮水安全有保障', 'safe drinking water'),
};

/** One unmet criterion of a risk elimination, and by how much where it is a number or a date. */
export function eliminationCriterionText(
  criterion: string,
  facts: Record<string, unknown>,
  language: Language,
): string {
  const zh = language === 'zh';
  const label = ELIMINATION_CRITERIA[criterion]?.[language] ?? criterion;
  const income = facts.incomePerCapitaFen;
  const standard = facts.monitoringStandardFen;
  if (criterion === 'income_above_standard' && typeof income === 'number' && typeof standard === 'number') {
    const short = formatYuan(standard - income + 1, language);
    return zh
      ? `${label}：人均纯收入 ${formatYuan(income, 'zh')}，${String(facts.year)}年监测标准 ${formatYuan(standard, 'zh')}，至少还差 ${short}`
      : `${label}: ${formatYuan(income, 'en')} a head against ${formatYuan(standard, 'en')}, short by at least ${short}`;
  }
  if (criterion === 'monitored_long_enough' && typeof facts.eligibleFrom === 'string') {
    return zh
      ? `${label}：纳入监测须满 ${String(facts.minMonths)} 个月，${formatDate(facts.eligibleFrom, 'zh')}起方可申请`
      : `${label}: ${String(facts.minMonths)} months monitored are needed, from ${facts.eligibleFrom}`;
  }
  if (criterion === 'assessment_in_year' && typeof facts.year === 'number') {
    return zh ? `${label}：${facts.year}年没有入户核查记录` : `${label}: none in ${facts.year}`;
  }
  return zh ? `${label}：未达到` : `${label}: not met`;
}

/** The household a refused ID or card number belongs to, as far as the refusal may name it. */
function holderText(facts: Record<string, unknown> | undefined, language: Language): string | undefined {
  if (!facts || !('field' in facts)) return undefined;
  if (facts.otherArea === true) return language === 'zh' ? '该户在您的辖区以外' : 'that household is outside your area';
  if (typeof facts.villageCode !== 'string') return undefined;
  const card = typeof facts.cardNumber === 'string' ? facts.cardNumber : undefined;
  if (language === 'zh') return `${card ? `卡号 ${card}，` : '尚未建档，'}所在村 ${facts.villageCode}`;
  return `${card ? `card ${card}, ` : 'not yet carded, '}village ${facts.villageCode}`;
}

/** The caller's language from an Accept-Language header: English only when preferred over Chinese. */
export function languageOf(acceptLanguage: string | undefined | null): Language {
  if (!acceptLanguage) return 'zh';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranked) {
    if (r.tag === 'zh' || r.tag.startsWith('zh-')) return 'zh';
    if (r.tag === 'en' || r.tag.startsWith('en-')) return 'en';
  }
  return 'zh';
}
