import { z } from 'zod';

/** 贫困户属性 */
export const HouseholdAttribute = z.enum([
  'ordinary', // 一般贫困户
  'low_income_guarantee', // 低保贫困户
  'extreme_poverty_support', // 特困供养 / 五保户
]);

/** 致贫原因 */
export const PovertyCause = z.enum([
  'illness', // 因病
  'disability', // 因残
  'schooling', // 因学
  'disaster', // 因灾
  'lack_of_land', // 缺土地
  'lack_of_water', // 缺水
  'lack_of_skills', // 缺技术
  'lack_of_labour', // 缺劳力
  'lack_of_capital', // 缺资金
  'poor_transport', // 交通条件落后
  'lack_of_drive', // 自身发展动力不足
]);

export const Sex = z.enum(['male', 'female']);

export const Relation = z.enum([
  'head',
  'spouse',
  'child',
  'child_in_law',
  'grandchild',
  'parent',
  'parent_in_law',
  'grandparent',
  'sibling',
  'other',
]);

/** 健康状况 */
export const Health = z.enum([
  'healthy', // 健康
  'chronic_illness', // 长期慢性病
  'serious_illness', // 大病
  'disabled', // 残疾 (with grade 1-4)
]);

/** 劳动能力 */
export const LabourCapacity = z.enum([
  'ordinary', // 普通劳动力
  'skilled', // 技能劳动力
  'weak', // 弱劳动力或半劳动力
  'lost', // 丧失劳动力
  'none', // 无劳动力
]);

/** 在校生状况 */
export const Schooling = z.enum([
  'not_in_school',
  'preschool',
  'primary',
  'junior_secondary',
  'senior_secondary',
  'secondary_vocational',
  'higher_vocational',
  'university',
]);

/** 帮扶措施类别 */
export const AssistanceCategory = z.enum([
  'industry', // 产业
  'employment', // 就业
  'public_welfare_job', // 公益岗位
  'training', // 培训
  'education_aid', // 教育资助
  'health_aid', // 健康/医疗救助
  'housing_renovation', // 危房改造
  'relocation', // 易地扶贫搬迁
  'micro_credit', // 小额信贷
  'minimum_living_guarantee', // 低保兜底
  'ecological_ranger', // 生态护林员
  'asset_income', // 资产收益
  'other',
]);

/** 资金来源 */
export const FundingSource = z.enum([
  'central', // 中央财政
  'provincial', // 省级财政
  'municipal', // 市级财政
  'county', // 县级财政
  'pairing_assistance', // 东西部协作、对口帮扶
  'social_donation', // 社会捐助
  'bank_credit', // 银行信贷
  'self_raised', // 自筹
  'other',
]);

/** 防返贫监测对象类别 */
export const MonitoringCategory = z.enum([
  'unstable_exited', // 脱贫不稳定户
  'edge_vulnerable', // 边缘易致贫户
  'sudden_hardship', // 突发严重困难户
]);

/**
 * 风险类型: what puts a monitored household at risk, as the monitoring guidance names them (因病、
 * 因学、因残、因灾、因意外事故、产业失败、务工就业不稳、缺劳动力, and 住房、饮水 insecurity).
 */
export const RiskType = z.enum([
  'illness', // 因病
  'schooling', // 因学
  'disability', // 因残
  'disaster', // 因灾
  'accident', // 因意外事故
  'business_failure', // 产业项目失败
  'unstable_employment', // 务工就业不稳
  'lack_of_labour', // 缺劳动力
  'housing_insecure', // 住房出现安全问题
  'drinking_water_insecure', // 饮水安全问题
  'other', // 其他
]);

/**
 * 风险预警的来源: how a risk came to light — "通过群众自行申报、干部入户走访、村级分析研判、系统分析
 * 比对和各类督查检查等途径", and "把群众来信来访当作重要的监测预警信号".
 */
export const AlertChannel = z.enum([
  'self_report', // 农户自主申报 (recorded by a clerk)
  'cadre_visit', // 干部排查 (a visit's finding)
  'department', // 部门筛查预警
  'petition', // 来信来访
  'inspection', // 督查检查
]);

/** 行业部门: who sends a screening alert (部门筛查预警) and what it is about. */
export const AlertDepartment = z.enum([
  'medical_insurance', // 医保: large out-of-pocket medical costs
  'civil_affairs', // 民政: 低保、特困、临时救助
  'emergency', // 应急: disasters
  'education', // 教育: a dropout
  'human_resources', // 人社: job loss
  'housing', // 住建: unsafe housing
  'water', // 水利: drinking water
  'disabled_persons', // 残联: disability
]);

/** 入户核实的结论: what a verification of an alert found. */
export const AlertOutcome = z.enum([
  'taken_in', // 纳入监测 (the household is identified as a monitored household)
  'excluded', // 经核实无风险，不纳入 (with the income and expenditure found)
  'already_monitored', // 已是监测对象，补充帮扶措施
  'referred', // 转其他政策 (低保、临时救助…)
]);

/** 数据比对 agencies */
export const ComparisonAgency = z.enum([
  'household_registration', // 公安户籍
  'vehicles', // 车辆
  'real_estate', // 不动产
  'business_registration', // 工商注册
  'public_payroll', // 财政供养人员
  'social_assistance', // 民政救助
  'disability', // 残联
]);

export const MemberJoinReason = z.enum(['birth', 'marriage', 'moving_in', 'other']);
export const MemberLeaveReason = z.enum(['death', 'marriage', 'moving_out', 'other']);

/** 自然减少 */
export const NaturalDecreaseReason = z.enum([
  'died_out', // 户灭失 (no member left)
  'moved_away', // 迁出
]);

/** Where an assistance measure stands: planned, under way, completed, or cancelled. */
export const MeasureStatus = z.enum(['planned', 'under_way', 'completed', 'cancelled']);

/** What found an exit wrong (错退): 回头看, an inspection (督查巡查), a third-party assessment. */
export const WrongExitSource = z.enum(['review', 'inspection', 'assessment']);

export const CaseKind = z.enum(['identification', 'exit', 'monitoring', 'elimination']);
