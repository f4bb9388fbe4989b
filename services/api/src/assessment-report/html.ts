import {
  type AssessmentState,
  assessmentBreakdown,
  assessmentResults,
  type GroupResult,
  type Rate,
} from '@registry/registry';
import { ASSESSMENT_LABELS, enumLabel, formatDate, type Language, say } from '@registry/schema/messages';
import { approvalChart, ratesChart, verdictsChart, villagesChart } from './charts.js';

/** Escapes text for HTML content and attribute values: every value in the report passes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const L = (key: keyof typeof ASSESSMENT_LABELS, language: Language) =>
  escapeHtml(say(ASSESSMENT_LABELS[key], language));
/** An instant as China Standard Time, as clerks read times. */
function chinaTime(iso: string, language: Language): string {
  const text = new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: 'Asia/Shanghai',
  }).format(new Date(iso));
  return `${text} (UTC+8) · ${iso}`;
}

export const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

function verdictOf(rate: Rate, language: Language): string {
  if (rate.meets === null) return L('unknown', language);
  return rate.meets ? L('yes', language) : `<strong class="no">${L('no', language)}</strong>`;
}

function rateRow(key: keyof typeof ASSESSMENT_LABELS, rate: Rate, language: Language): string {
  const sign = rate.comparison === 'below' ? '&lt;' : '≥';
  return `<tr><th>${L(key, language)}</th><td>${pct(rate.value)}</td><td>${pct(rate.low)} – ${pct(rate.high)}</td>
<td>${rate.numerator} / ${rate.denominator ?? '—'}</td><td>${sign} ${pct(rate.threshold)}</td>
<td>${verdictOf(rate, language)}</td><td>${rate.certain ? '✓' : ''}</td></tr>`;
}

function groupTable(
  groups: readonly GroupResult[],
  title: string,
  language: Language,
  nameOf: (code: string) => string,
): string {
  const rows = groups
    .map(
      (
        g,
      ) => `<tr><th>${escapeHtml(nameOf(g.areaCode))}</th><td><code>${escapeHtml(g.areaCode)}</code></td><td>${g.villages}</td><td>${g.sampled}</td><td>${g.surveyed}</td>
<td>${pct(g.wrongExit.value)}</td><td>${pct(g.omission.value)}</td><td>${pct(g.wrongInclusion.value)}</td><td>${pct(g.approval.value)}</td></tr>`,
    )
    .join('\n');
  return `<h2>${title}</h2><table><thead><tr><th></th><th>${L('areaCode', language)}</th><th>${L('villages', language)}</th><th>${L('sampled', language)}</th>
<th>${L('surveyed', language)}</th><th>${L('wrongExit', language)}</th><th>${L('omission', language)}</th>
<th>${L('wrongInclusion', language)}</th><th>${L('approval', language)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The printable report of an assessment as its events stood at `asOf`: the same asOf, the same report. */
export function reportHtml(
  state: AssessmentState,
  asOf: string,
  language: Language,
  nameOf: (code: string) => string = (code) => code,
): string {
  const o = state.opened;
  const r = assessmentResults(state);
  const parts = assessmentBreakdown(state);
  const s = state.sample;
  const meta: [string, string][] = [
    [L('area', language), `${escapeHtml(nameOf(o.areaCode))}（<code>${escapeHtml(o.areaCode)}</code>）`],
    [L('year', language), String(o.year)],
    [L('cutoff', language), escapeHtml(formatDate(o.cutoff, language))],
    [L('knownAt', language), escapeHtml(chinaTime(o.knownAt, language))],
    [L('asOf', language), escapeHtml(chinaTime(asOf, language))],
    [L('commitment', language), `<code>${escapeHtml(o.seedCommitment)}</code>`],
    [L('seed', language), s ? `<code>${escapeHtml(s.seed)}</code>` : '—'],
    [L('frameDigest', language), s ? `<code>${escapeHtml(s.frameDigest)}</code>` : '—'],
    [
      L('logHead', language),
      s?.logHead
        ? `${s.logHead.treeSize} · <code>${escapeHtml(s.logHead.rootHash)}</code> · ${escapeHtml(chinaTime(s.logHead.signedAt, language))} · <code>${escapeHtml(s.logHead.keyId)}</code>`
        : '—',
    ],
    [
      L('frame', language),
      s
        ? `${s.frameSize.villages} ${L('villages', language)} · ${s.frameSize.exited + s.frameSize.registered} ${L('households', language)}`
        : '—',
    ],
    [L('sample', language), `${r.villages} ${L('villages', language)} · ${r.sampled} ${L('households', language)}`],
    [L('surveyed', language), String(r.surveyed)],
    [L('outside', language), String(r.outside)],
    [L('missingFindings', language), String(r.missingFindings)],
    [L('noPopulation', language), escapeHtml(r.villagesWithoutPopulation.map(nameOf).join('、') || '—')],
  ];
  const recommendation = escapeHtml(enumLabel('AssessmentRecommendation', r.recommendation, language));
  return `<!doctype html>
<html lang="${language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<title>${escapeHtml(o.title)} · ${L('report', language)}</title>
<style>
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; width: 100%; margin: .5em 0; } th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; }
thead th { background: #f5f5f5; } code { font-size: .85em; word-break: break-all; }
.verdict { font-size: 1.3em; padding: .5em 1em; border: 2px solid #1677ff; display: inline-block; }
.verdict.not_exit { border-color: #cf1322; color: #cf1322; } .no { color: #cf1322; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; } .method { color: #555; font-size: .9em; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, .charts > div { break-inside: avoid; } }
</style></head><body>
<h1>${escapeHtml(o.title)}</h1>
<p>${L('report', language)}</p>
<table class="meta"><tbody>${meta.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}</tbody></table>
<h2>${L('recommendation', language)}</h2>
<p class="verdict ${escapeHtml(r.recommendation)}">${recommendation}</p>
<table><thead><tr><th></th><th>${L('value', language)}</th><th>${L('interval', language)}</th><th>${L('counted', language)}</th>
<th>${L('threshold', language)}</th><th>${L('meets', language)}</th><th>${L('certain', language)}</th></tr></thead><tbody>
${rateRow('incidence', r.incidence, language)}
${rateRow('wrongExit', r.wrongExit, language)}
${rateRow('omission', r.omission, language)}
${rateRow('approval', r.approval, language)}
${rateRow('wrongInclusion', r.wrongInclusion, language)}
</tbody></table>
<p class="method">${L('method', language)}</p>
<div class="charts"><div>${ratesChart(r, language)}</div><div>${approvalChart(r, language)}</div></div>
${groupTable(parts.townships, L('byTownship', language), language, nameOf)}
${groupTable(parts.villages, L('byVillage', language), language, nameOf)}
<div class="charts"><div>${villagesChart(parts.villages, language, nameOf)}</div></div>
<h2>${L('verdicts', language)}</h2>
<div class="charts"><div>${verdictsChart([...state.findings.values()], language)}</div></div>
</body></html>
`;
}
