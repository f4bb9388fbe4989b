import {
  CASE_LABELS,
  ENUM_LABELS,
  type EnumName,
  EVENT_LABELS,
  enumLabel,
  formatDate,
  formatYuan,
  type Language,
  refusalText,
  type Text,
  unmetCriterionText,
} from '@registry/schema/messages';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

/** The console's own words; the domain's (statuses, causes, refusals …) come from the shared catalogue. */
export const UI = {
  appTitle: { zh: '建档立卡动态管理台', en: 'Poor-household registry console' },
  workbench: { zh: '工作台', en: 'Workbench' },
  households: { zh: '贫困户名册', en: 'Households' },
  signOut: { zh: '退出登录', en: 'Sign out' },
  signIn: { zh: '登录', en: 'Sign in' },
  demoOnly: {
    zh: '演示环境：任选角色和地区登录，仅供演示，切勿用于真实数据',
    en: 'Demo only: pick any role and area. Never use with real data.',
  },
  role: { zh: '角色', en: 'Role' },
  area: { zh: '地区', en: 'Area' },
  token: { zh: '访问令牌', en: 'Access token' },
  useToken: { zh: '改用访问令牌登录', en: 'Sign in with an access token instead' },
  tokenHelp: {
    zh: '请粘贴本单位统一身份认证签发的访问令牌（JWT）',
    en: 'Paste the access token (JWT) your organisation’s identity provider issued',
  },
  tokenInvalid: { zh: '令牌无法识别或已过期', en: 'The token cannot be read or has expired' },
  filters: { zh: '筛选', en: 'Filters' },
  status: { zh: '状态', en: 'Status' },
  attribute: { zh: '贫困户属性', en: 'Attribute' },
  cause: { zh: '致贫原因', en: 'Cause' },
  mainCause: { zh: '主要致贫原因', en: 'Main cause' },
  otherCauses: { zh: '其他致贫原因', en: 'Other causes' },
  helper: { zh: '帮扶责任人', en: 'Helper' },
  helperId: { zh: '帮扶责任人编号', en: 'Helper id' },
  monitoring: { zh: '防返贫监测', en: 'Monitoring' },
  monitored: { zh: '监测中', en: 'Monitored' },
  notMonitored: { zh: '未监测', en: 'Not monitored' },
  any: { zh: '全部', en: 'All' },
  search: { zh: '搜索户编号、地址、姓名或完整身份证号', en: 'Search card number, address, name or a whole ID number' },
  searchMasked: { zh: '搜索户编号或地址', en: 'Search card number or address' },
  reset: { zh: '重置', en: 'Reset' },
  cardNumber: { zh: '户编号', en: 'Card number' },
  head: { zh: '户主', en: 'Head' },
  village: { zh: '行政村', en: 'Village' },
  group: { zh: '村民小组', en: 'Group' },
  address: { zh: '住址', en: 'Address' },
  phone: { zh: '联系电话', en: 'Phone' },
  bankAccount: { zh: '一卡通账号', en: 'Transfer account' },
  members: { zh: '家庭成员', en: 'Members' },
  memberCount: { zh: '人口', en: 'People' },
  openCase: { zh: '进行中的流程', en: 'Open case' },
  noticeUntil: { zh: '公示截止', en: 'Notice ends' },
  updatedAt: { zh: '最近更新', en: 'Updated' },
  total: { zh: '共 {n} 户', en: '{n} households' },
  previous: { zh: '上一页', en: 'Previous' },
  next: { zh: '下一页', en: 'Next' },
  pageSize: { zh: '每页 {n} 户', en: '{n} a page' },
  open: { zh: '查看', en: 'Open' },
  back: { zh: '返回名册', en: 'Back to the roll' },
  notFound: { zh: '找不到该户，或不在您的管辖范围内', en: 'No such household in your area' },
  registeredOn: { zh: '建档日期', en: 'Registered on' },
  removedOn: { zh: '清退日期', en: 'Removed on' },
  decreasedOn: { zh: '自然减少日期', en: 'Decreased on' },
  since: { zh: '纳入日期', en: 'Since' },
  risks: { zh: '风险', en: 'Risks' },
  none: { zh: '无', en: 'none' },
  name: { zh: '姓名', en: 'Name' },
  nationalId: { zh: '身份证号', en: 'National ID' },
  sex: { zh: '性别', en: 'Sex' },
  birth: { zh: '出生', en: 'Born' },
  relation: { zh: '与户主关系', en: 'Relation' },
  health: { zh: '健康状况', en: 'Health' },
  labour: { zh: '劳动能力', en: 'Labour' },
  schooling: { zh: '在校情况', en: 'Schooling' },
  insurance: { zh: '参保', en: 'Insurance' },
  basicMedical: { zh: '基本医保', en: 'basic medical' },
  seriousIllness: { zh: '大病保险', en: 'serious illness' },
  pension: { zh: '养老保险', en: 'pension' },
  assessments: { zh: '入户核查', en: 'Assessments' },
  year: { zh: '年度', en: 'Year' },
  assessedOn: { zh: '核查日期', en: 'Assessed on' },
  income: { zh: '人均纯收入', en: 'Income per head' },
  conditions: { zh: '两不愁三保障', en: 'Two no-worries, three guarantees' },
  measures: { zh: '帮扶措施', en: 'Measures' },
  category: { zh: '类别', en: 'Category' },
  description: { zh: '内容', en: 'Description' },
  source: { zh: '资金来源', en: 'Source' },
  planned: { zh: '计划资金', en: 'Planned' },
  delivered: { zh: '已落实', en: 'Delivered' },
  visits: { zh: '走访记录', en: 'Visits' },
  visitedOn: { zh: '走访日期', en: 'Visited on' },
  notes: { zh: '情况记录', en: 'Notes' },
  exits: { zh: '脱贫记录', en: 'Exits' },
  history: { zh: '历史记录', en: 'History' },
  asOf: { zh: '时点查询', en: 'As of' },
  effectiveOn: { zh: '业务日期', en: 'Effective on' },
  knownAt: { zh: '截至系统时间', en: 'As known at' },
  knownAtHelp: {
    zh: '不填则为现在；填写后只看该时间之前已录入的记录',
    en: 'Empty: now. Otherwise only what had been recorded by then',
  },
  show: { zh: '查询', en: 'Show' },
  effectiveAt: { zh: '生效日期', en: 'Effective' },
  recordedAt: { zh: '录入时间', en: 'Recorded' },
  actor: { zh: '操作人', en: 'By' },
  reason: { zh: '事由', en: 'Reason' },
  after: { zh: '操作后', en: 'After' },
  details: { zh: '数据', en: 'Data' },
  error: { zh: '出错了', en: 'Something went wrong' },
  retry: { zh: '重试', en: 'Retry' },
  loading: { zh: '加载中…', en: 'Loading…' },
  yes: { zh: '是', en: 'yes' },
  no: { zh: '否', en: 'no' },
  language: { zh: 'English', en: '中文' },
  signedInAs: { zh: '当前用户', en: 'Signed in as' },
  tokenExpires: { zh: '登录有效期至', en: 'Signed in until' },
  noData: { zh: '暂无数据', en: 'No data' },
  nextSteps: { zh: '下一步', en: 'Next steps' },
  noNextSteps: { zh: '当前状态下没有可办理的事项', en: 'Nothing can be done in this status' },
  submit: { zh: '提交', en: 'Submit' },
  required: { zh: '必填', en: 'Required' },
  reasonRequired: { zh: '请填写事由', en: 'A reason is required' },
  done: { zh: '已办理', en: 'Done' },
  apply: { zh: '农户申请', en: 'New application' },
  importRoll: { zh: '名册导入', en: 'Import a roll' },
  dashboard: { zh: '统计分析', en: 'Dashboard' },
  queue: { zh: '待办事项', en: 'Work queue' },
  queueIdentification: { zh: '识别流程（等待办理的环节）', en: 'Identification: waiting at' },
  queueExit: { zh: '退出流程（等待办理的环节）', en: 'Exits: waiting at' },
  queueOther: { zh: '帮扶与监测', en: 'Assistance and monitoring' },
  queueFewVisits: { zh: '{year}年走访次数未达标', en: 'Below the visit minimum in {year}' },
  queueMonitored: { zh: '防返贫监测对象', en: 'Monitored households' },
  live: { zh: '实时', en: 'Live' },
  offline: { zh: '未连接', en: 'Offline' },
  liveTitle: { zh: '本辖区最新记录', en: 'Latest in your area' },
  liveNone: { zh: '登录后暂无新记录', en: 'Nothing new since you signed in' },
  auditTrail: { zh: '操作留痕', en: 'Audit trail' },
  snapshot: { zh: '时点名册', en: 'Registry as of' },
  snapshotOf: {
    zh: '{area}　{date}的名册（截至 {knownAt} 的记录）',
    en: '{area} as of {date} (as known at {knownAt})',
  },
  exportCsv: { zh: '导出 CSV', en: 'Export CSV' },
  householdsTotal: { zh: '户数', en: 'Households' },
  peopleTotal: { zh: '人数', en: 'People' },
  peopleUnit: { zh: '人', en: ' people' },
  exitReview: { zh: '脱贫退出回头看', en: 'Exit look-back review (回头看)' },
  onlyFailing: { zh: '只看不达标', en: 'Failing only' },
  incomeLines: { zh: '按年度收入标准重新核验', en: 'Re-check under these income lines' },
  incomeLinesHelp: {
    zh: '默认为批准退出时的标准，可修改后重新核验',
    en: 'The lines the exits were approved under; edit and re-run',
  },
  rerun: { zh: '重新核验', en: 'Re-run' },
  reviewSummary: {
    zh: '政策 {policy}：共 {exits} 次退出，{failing} 次不达标',
    en: 'Policy {policy}: {exits} exits, {failing} failing',
  },
  exitedOn: { zh: '退出日期', en: 'Exited on' },
  approvedLine: { zh: '批准时标准', en: 'Line at approval' },
  replayed: { zh: '重新核验', en: 'Replayed' },
  passes: { zh: '达标', en: 'passes' },
  fails: { zh: '不达标', en: 'fails' },
  actorId: { zh: '操作人账号', en: 'Actor id' },
  eventType: { zh: '事项', en: 'Event' },
  household: { zh: '户', en: 'Household' },
  drillDown: { zh: '下级：', en: 'Below:' },
  areaCode: { zh: '12位地区代码', en: '12-digit area code' },
  povertyIncidence: { zh: '贫困发生率', en: 'Poverty incidence' },
  onRollEndOfYear: { zh: '年末在册贫困户', en: 'On the roll at year end' },
  visitCompliance: { zh: '走访达标率', en: 'Visit compliance' },
  fiveItems: { zh: '五项落实完整户数', en: '五项落实 complete' },
  fiveItemsMissing: { zh: '五项落实缺项户数', en: '五项落实: households missing' },
  missing_cause: { zh: '致贫原因', en: 'cause' },
  missing_attribute: { zh: '贫困户属性', en: 'attribute' },
  missing_measures: { zh: '帮扶措施', en: 'measures' },
  missing_helper: { zh: '帮扶责任人', en: 'helper' },
  missing_funds: { zh: '帮扶资金', en: 'funds' },
  transitions: { zh: '每年新识别、脱贫、返贫、清退', en: 'Registrations, exits, returns, removals per year' },
  registrationsPerYear: { zh: '新识别', en: 'registrations' },
  exitsPerYear: { zh: '脱贫', en: 'exits' },
  returnsPerYear: { zh: '返贫', en: 'returns' },
  removalsPerYear: { zh: '清退', en: 'removals' },
  decreasesPerYear: { zh: '自然减少', en: 'natural decreases' },
  fundsByCategory: { zh: '帮扶资金（按类别）', en: 'Funds by category' },
  fundsBySource: { zh: '计划资金来源', en: 'Planned funds by source' },
  applicationDate: { zh: '申请日期', en: 'Applied on' },
  villageCode: { zh: '请填写12位行政村代码', en: 'A 12-digit village code' },
  statement: { zh: '申请陈述', en: 'Statement' },
  member: { zh: '成员', en: 'Member' },
  addMember: { zh: '增加成员', en: 'Add a member' },
  submitApplication: { zh: '提交申请', en: 'Submit the application' },
  idForm: { zh: '身份证号应为18位：17位数字加1位数字或X', en: '18 characters: 17 digits and a digit or X' },
  idBirthDate: { zh: '身份证号中的出生日期（第7–14位）不是有效日期', en: 'characters 7–14 are not a real birth date' },
  idCheck: { zh: '校验码不对：按前17位应为 {expected}', en: 'wrong check character: the first 17 give {expected}' },
  thirdParty: { zh: '第三方评估', en: 'Third-party assessment' },
  openAssessment: { zh: '开启评估', en: 'Open an assessment' },
  assessmentTitle: { zh: '评估名称', en: 'Title' },
  assessmentYear: { zh: '评估年度', en: 'Year' },
  cutoff: { zh: '数据截止日期', en: 'Cut-off date' },
  cutoffHelp: {
    zh: '名册按此日期生效的状态、按开启评估时已录入的数据读取，之后的录入和更正都不影响本次评估',
    en: 'The registry as effective on this date, as recorded when the assessment opens: later records and corrections do not change it',
  },
  poorVillagesDrawn: { zh: '抽取贫困村数', en: 'Poor villages to draw' },
  otherVillagesDrawn: { zh: '抽取非贫困村数', en: 'Other villages to draw' },
  exitedPerVillage: { zh: '每村抽脱贫户数', en: 'Exited households per village' },
  registeredPerVillage: { zh: '每村抽未脱贫户数', en: 'Registered households per village' },
  poorVillageList: { zh: '贫困村名单', en: 'Poor villages' },
  west: { zh: '西部县（贫困发生率标准3%）', en: 'Western county (incidence threshold 3%)' },
  seed: { zh: '随机种子', en: 'Seed' },
  newSeed: { zh: '生成种子', en: 'Generate a seed' },
  seedHelp: {
    zh: '开启评估时只登记种子的哈希值（承诺）；抽样时再公开种子，任何人都可复算样本。请妥善保存种子，丢失后无法抽样。',
    en: 'Only the seed’s hash (its commitment) is recorded now; the seed is revealed at the draw, and anyone can then redo the sample. Keep the seed: without it there is no draw.',
  },
  commitment: { zh: '种子承诺（SHA-256）', en: 'Seed commitment (SHA-256)' },
  drawSample: { zh: '公开种子并抽样', en: 'Reveal the seed and draw' },
  notDrawn: { zh: '尚未抽样', en: 'Not drawn yet' },
  drawnAt: { zh: '抽样时间', en: 'Drawn' },
  sampleHouseholds: { zh: '样本户', en: 'Households drawn' },
  sampleVillages: { zh: '样本村', en: 'Villages drawn' },
  outsideHouseholds: { zh: '非建档立卡户调查', en: 'Households outside the registry' },
  recordFinding: { zh: '录入调查结论', en: 'Record a finding' },
  verdict: { zh: '调查结论', en: 'Verdict' },
  incomeFound: { zh: '核实人均纯收入（元）', en: 'Income per head found (yuan)' },
  conditionsFound: { zh: '两不愁三保障（勾选已达标项）', en: 'Conditions met (tick each)' },
  approves: { zh: '群众认可', en: 'Approves' },
  approvesYes: { zh: '认可', en: 'Approves' },
  approvesNo: { zh: '不认可', en: 'Does not approve' },
  approvesNotAsked: { zh: '未询问', en: 'Not asked' },
  surveyed: { zh: '已调查', en: 'Surveyed' },
  notSurveyed: { zh: '待调查', en: 'To survey' },
  outsideLabel: { zh: '调查编号（如 一组-12）', en: 'Label (e.g. 一组-12)' },
  people: { zh: '家庭人口', en: 'People' },
  reasonForNew: { zh: '重新录入原因', en: 'Why a new finding' },
  results: { zh: '评估结果', en: 'Results' },
  rectifications: { zh: '整改清单', en: 'Rectification list' },
  actedOn: { zh: '已整改', en: 'Acted on' },
  notActed: { zh: '未整改', en: 'Not acted on' },
  printReport: { zh: '打印报告', en: 'Printable report' },
  exportRates: { zh: '导出结果 CSV', en: 'Export rates (CSV)' },
  exportFindings: { zh: '导出调查结论 CSV', en: 'Export findings (CSV)' },
  verifySample: { zh: '复算样本', en: 'Redo the draw' },
  verified: { zh: '复算结果与登记的样本一致', en: 'The redraw matches the recorded sample' },
  notVerified: { zh: '复算结果与登记的样本不一致', en: 'The redraw differs from the recorded sample' },
  resultsAsOf: { zh: '截至 {time} 的结果', en: 'Results as of {time}' },
  noAssessments: { zh: '尚无评估', en: 'No assessments yet' },
  action: { zh: '整改措施', en: 'Action' },
  drawn: { zh: '已抽样', en: 'Drawn' },
  areaExits: { zh: '贫困村与退出', en: 'Poor villages and exits' },
  poorVillageSince: { zh: '{year}年起为贫困村', en: 'poor village since {year}' },
  exitAwaitsReview: { zh: '{year}年度退出待审核', en: '{year} exit awaiting review' },
  exitAwaitsAnnouncement: { zh: '{year}年度退出待公告', en: '{year} exit awaiting announcement' },
  incidenceThen: { zh: '申请时贫困发生率 {value}', en: 'incidence when proposed {value}' },
  areaExitedOn: { zh: '已于{date}退出', en: 'exited on {date}' },
  area_designate: { zh: '认定为贫困村', en: 'Designate as poor village' },
  area_propose: { zh: '申请退出', en: 'Propose exit' },
  area_review: { zh: '审核退出', en: 'Review exit' },
  area_announce: { zh: '公告退出', en: 'Announce exit' },
  approve: { zh: '同意', en: 'Approve' },
  sendBack: { zh: '退回', en: 'Send back' },
  comparison: { zh: '数据比对', en: 'Agency comparison' },
  comparisonHelp: {
    zh: '上传部门比对文件（CSV 或 Excel），列为：身份证号、比对部门、比对结果、是否不符合条件。文件先整体检查，有问题则不写入并列出每行每列；按身份证号找到其所在的未销户农户并逐户登记，重复上传不会重复登记。',
    en: 'Upload an agency’s file (CSV or Excel) with the columns 身份证号, 比对部门, 比对结果, 是否不符合条件. The whole file is checked first; with any problem nothing is written and each row and column is listed. Each row is recorded on the open household holding the ID number; sending the file again records nothing new.',
  },
  comparisonRun: { zh: '检查并比对', en: 'Check and match' },
  comparisonDone: {
    zh: '已登记 {recorded} 条（{disqualifying} 条不符合条件）；{unchanged} 条此前已登记',
    en: 'Recorded {recorded} ({disqualifying} disqualifying); {unchanged} recorded before',
  },
  comparisonUnmatched: {
    zh: '未找到未销户农户的行：{unmatched}；在您辖区以外的行：{outside}',
    en: 'Rows matching no open household: {unmatched}; rows outside your area: {outside}',
  },
  reviewList: {
    zh: '复核清单（比对发现不符合条件、仍在册的农户）',
    en: 'Review list (disqualified by a comparison, still on file)',
  },
  agency: { zh: '比对部门', en: 'Agency' },
  finding: { zh: '比对结果', en: 'Finding' },
  file: { zh: '文件', en: 'File' },
  incomingMoves: { zh: '待接收的迁入户', en: 'Households moving in, awaiting acceptance' },
  acceptMove: { zh: '接收迁入', en: 'Accept' },
  relocation: { zh: '易地扶贫搬迁', en: 'relocation' },
  planOfYear: { zh: '{year}年帮扶计划', en: 'Plan for {year}' },
  incomeTarget: { zh: '收入目标', en: 'income target' },
} satisfies Record<string, Text>;
export type UiKey = keyof typeof UI;

const STORAGE_KEY = 'registry.language';

export interface Words {
  language: Language;
  setLanguage(language: Language): void;
  /** A console text, with {placeholders} filled. */
  t(key: UiKey, values?: Record<string, string | number>): string;
  /** An enum value's label. */
  label(name: EnumName, value: string | null | undefined): string;
  event(type: string): string;
  step(step: string | null | undefined): string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  yuan(fen: number | null | undefined): string;
  refusal: (refusal: Parameters<typeof refusalText>[0]) => string;
  /** An unmet exit criterion and by how much. */
  unmet(criterion: string, facts: Record<string, unknown>): string;
}

const WordsContext = createContext<Words | null>(null);

function initialLanguage(): Language {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh';
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLanguageState(next);
  }, []);
  const words = useMemo<Words>(() => {
    const dateTimeFormat = new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'medium',
      timeZone: 'Asia/Shanghai',
    });
    return {
      language,
      setLanguage,
      t: (key, values) =>
        UI[key][language].replace(/\{(\w+)\}/g, (whole, name: string) => String(values?.[name] ?? whole)),
      label: (name, value) => (value ? enumLabel(name, value, language) : '—'),
      event: (type) => EVENT_LABELS[type]?.[language] ?? type,
      step: (step) => (step ? (CASE_LABELS[step]?.[language] ?? step) : '—'),
      date: (iso) => (iso ? formatDate(iso, language) : '—'),
      dateTime: (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '—'),
      yuan: (fen) => (fen === null || fen === undefined ? '—' : formatYuan(fen, language)),
      refusal: (refusal) => refusalText(refusal, language),
      unmet: (criterion, facts) => unmetCriterionText(criterion, facts, language),
    };
  }, [language, setLanguage]);
  return <WordsContext.Provider value={words}>{children}</WordsContext.Provider>;
}

export function useWords(): Words {
  const words = useContext(WordsContext);
  if (!words) throw new Error('useWords outside LanguageProvider');
  return words;
}

/** Options for a select of an enum's values, labelled in the current language. */
export function enumOptions(name: EnumName, language: Language): { value: string; label: string }[] {
  return Object.entries(ENUM_LABELS[name]).map(([value, text]) => ({ value, label: (text as Text)[language] }));
}
