import {
  type AssessmentState,
  assessmentBreakdown,
  assessmentResults,
  type GroupResult,
  type Rate,
} from '@registry/registry';
import { maskNationalId, textProblem, Uuid } from '@registry/schema';
import { ASSESSMENT_LABELS, type Language, languageOf, say } from '@registry/schema/messages';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import { Forbidden, requireArea, requireRole, type Viewer } from '../auth.js';
import type { ApiDeps } from '../graphql/context.js';
import { toInstant } from '../instant.js';
import { maskName } from '../mask.js';
import {
  codedBody,
  notRecordedBody,
  PURPOSE_RULE,
  purposeOf,
  recordRead,
  refusalBody,
  validPurpose,
} from '../read-ledger.js';
import { reportHtml } from './html.js';

class BadRequest extends Error {}

function text(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequest(`${name}: must be given once, as text`);
  const problem = textProblem(value);
  if (problem) throw new BadRequest(`${name}: ${problem}`);
  return value;
}

function asOfOf(req: Request, now: string): string {
  const given = text(req, 'asOf');
  if (given === undefined) return now;
  const instant = toInstant(given);
  if ('problem' in instant) throw new BadRequest(`asOf: ${instant.problem}`);
  if (instant.iso > now) throw new BadRequest(`asOf: must not be after now (${now})`);
  return instant.iso;
}

/**
 * The names of the areas a report shows, as they were named on its cut-off date and as known when
 * it was opened: a name recorded later changes neither the report nor its bytes.
 */
async function areaNamesOf(deps: ApiDeps, state: AssessmentState): Promise<(code: string) => string> {
  const parts = assessmentBreakdown(state);
  const codes = [
    state.opened.areaCode,
    ...parts.townships.map((t) => t.areaCode),
    ...parts.villages.map((v) => v.areaCode),
    ...assessmentResults(state).villagesWithoutPopulation,
  ];
  const named = await deps.names.areas(codes, { effectiveOn: state.opened.cutoff, knownAt: state.opened.knownAt });
  return (code) => named.get(code)?.name ?? code;
}

const GROUP_RATES = ['wrongExit', 'omission', 'wrongInclusion', 'approval'] as const;

/**
 * The rates as the report shows them, for a spreadsheet: headers and names in the reader's
 * language, percentages rounded to two decimals as printed, the area's code in its own column.
 */
function ratesCsv(state: AssessmentState, language: Language, nameOf: (code: string) => string): string {
  const results = assessmentResults(state);
  const parts = assessmentBreakdown(state);
  const zh = language === 'zh';
  const pct = (v: number | null) => (v === null ? '' : (v * 100).toFixed(2));
  const scopes = { area: zh ? '评估范围' : 'area', township: zh ? '乡镇' : 'township', village: zh ? '村' : 'village' };
  const rows: unknown[][] = [];
  const row = (scope: keyof typeof scopes, areaCode: string, key: keyof typeof ASSESSMENT_LABELS, rate: Rate) =>
    rows.push([
      scopes[scope],
      nameOf(areaCode),
      areaCode,
      say(ASSESSMENT_LABELS[key], language),
      pct(rate.value),
      pct(rate.low),
      pct(rate.high),
      rate.numerator,
      rate.denominator,
      pct(rate.threshold),
      rate.meets === null ? '' : say(ASSESSMENT_LABELS[rate.meets ? 'yes' : 'no'], language),
    ]);
  const add = (scope: keyof typeof scopes, g: GroupResult) => {
    for (const key of GROUP_RATES) row(scope, g.areaCode, key, g[key]);
  };
  row('area', results.areaCode, 'incidence', results.incidence);
  add('area', results);
  for (const t of parts.townships) add('township', t);
  for (const v of parts.villages) add('village', v);
  return stringify(rows, {
    header: true,
    columns: zh
      ? [
          '范围',
          '区划',
          '区划代码',
          '指标',
          '测算值（%）',
          '区间下限（%）',
          '区间上限（%）',
          '分子',
          '分母',
          '标准（%）',
          '是否达标',
        ]
      : [
          'scope',
          'area',
          'area code',
          'rate',
          'value (%)',
          'low (%)',
          'high (%)',
          'numerator',
          'denominator',
          'threshold (%)',
          'meets',
        ],
  });
}

function findingsCsv(state: AssessmentState, viewer: Viewer): string {
  const mask = (value: string | undefined, how: (v: string) => string) =>
    value === undefined ? '' : viewer.masked ? how(value) : value;
  const rows = [...state.findings.values()].map((f) => [
    f.findingId,
    f.villageCode,
    f.stratum,
    f.householdId ?? '',
    f.label ?? '',
    mask(f.headName, maskName),
    mask(f.headNationalId, maskNationalId),
    f.people,
    f.incomePerCapitaFen,
    f.conditions.food,
    f.conditions.clothing,
    f.conditions.compulsoryEducation,
    f.conditions.basicMedical,
    f.conditions.safeHousing,
    f.conditions.safeDrinkingWater,
    f.verdict,
    f.approves === null ? '' : f.approves,
    f.notes ?? '',
    f.surveyedOn,
    f.recordedAt,
    f.actor.id,
  ]);
  return stringify(rows, {
    header: true,
    columns: [
      'finding_id',
      'village_code',
      'stratum',
      'household_id',
      'label',
      'head_name',
      'head_national_id',
      'people',
      'income_per_capita_fen',
      'food',
      'clothing',
      'compulsory_education',
      'basic_medical',
      'safe_housing',
      'safe_drinking_water',
      'verdict',
      'approves',
      'notes',
      'surveyed_on',
      'recorded_at',
      'recorded_by',
    ],
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}

/**
 * GET /export/assessment/:id — the assessment as its events stood at `asOf` (default now,
 * echoed in X-As-Of): `format=html` a printable report with its charts, `format=csv` the rates
 * (`part=rates`, whole area, townships, villages) or the findings (`part=findings`, personal data
 * masked for assessors). Chinese unless `lang=en` or Accept-Language prefers English.
 */
export async function exportAssessment(deps: ApiDeps, viewer: Viewer, req: Request, res: Response): Promise<void> {
  let state: AssessmentState | undefined;
  let asOf: string;
  let format: string;
  let part: string;
  let language: Language;
  let purpose: string | undefined;
  try {
    requireRole(viewer, ['assessor', 'evaluator', 'admin', 'clerk'], 'read assessments');
    const id = Uuid.safeParse(req.params.id);
    if (!id.success) throw new BadRequest('id: must be a UUID');
    asOf = asOfOf(req, new Date().toISOString());
    format = text(req, 'format') ?? 'html';
    if (format !== 'html' && format !== 'csv') throw new BadRequest('format: must be html or csv');
    part = text(req, 'part') ?? 'rates';
    if (part !== 'rates' && part !== 'findings') throw new BadRequest('part: must be rates or findings');
    purpose = purposeOf(text(req, 'purpose'));
    if (format === 'csv' && part === 'findings' && !viewer.masked && !validPurpose(purpose)) {
      throw new BadRequest(`purpose: ${PURPOSE_RULE}`);
    }
    const lang = text(req, 'lang');
    language = lang === 'en' || lang === 'zh' ? lang : languageOf(req.headers['accept-language']);
    state = await deps.assessments.read(id.data, asOf);
    if (state) requireArea(viewer, state.opened.areaCode, `assessment ${id.data}`);
  } catch (error) {
    if (error instanceof BadRequest) res.status(400).json(refusalBody(error.message, req));
    else if (error instanceof Forbidden) res.status(403).json(codedBody('FORBIDDEN', error.message, req));
    else throw error;
    return;
  }
  if (!state) {
    res.status(404).json(codedBody('NO_SUCH_ASSESSMENT', 'no such assessment (as of that time)', req));
    return;
  }
  res.setHeader('X-As-Of', asOf);
  const name = `assessment-${state.opened.areaCode}-${state.opened.year}`;
  const nameOf = await areaNamesOf(deps, state);
  if (format === 'html') {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.send(reportHtml(state, asOf, language, nameOf));
    return;
  }
  if (part === 'findings') {
    // The findings' heads, named and numbered: recorded with the purpose before they are sent.
    const findings = [...state.findings.values()].filter((f) => f.headName || f.headNationalId);
    const recorded = await recordRead(deps, viewer, {
      operation: `GET /export/assessment findings ${state.opened.assessmentId}`,
      purpose: purpose ?? null,
      households: findings.map((f) => f.householdId ?? `finding:${f.findingId}`),
      fields: ['name', 'nationalId'],
    });
    if (!recorded) {
      res.status(503).set('Retry-After', '5').json(notRecordedBody(req));
      return;
    }
  }
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}-${part}.csv"`);
  // A byte-order mark, so spreadsheet programs read the Chinese as UTF-8.
  res.send(`\uFEFF${part === 'rates' ? ratesCsv(state, language, nameOf) : findingsCsv(state, viewer)}`);
}
