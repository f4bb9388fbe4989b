import type { AssessmentResults, Finding, GroupResult } from '@registry/registry';
import { ASSESSMENT_LABELS, enumLabel, type Language, say } from '@registry/schema/messages';
import * as echarts from 'echarts';

/**
 * The report's charts, rendered on the server as SVG by ECharts (its dependency-free SSR mode),
 * so the printed report needs no script. Texts inside come from the message catalogue; ECharts
 * escapes them into the SVG.
 */

function svg(key: string, option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return stableIds(key, chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/**
 * ECharts names an SVG's style classes and ids after process-wide counters (`zr3-cls-17`), so
 * the same chart drawn twice differs in bytes. Renamed after the chart (`key`, unique in a
 * report) and numbered from 0 in order of appearance, the same report asked twice for the
 * same time is the same bytes: it can be hashed and archived as cited.
 */
export function stableIds(key: string, svgText: string): string {
  const names = new Map<string, string>();
  return svgText.replace(/zr\d+-[a-z]+-\d+/g, (name) => {
    let renamed = names.get(name);
    if (!renamed) {
      renamed = `${key}-${names.size}`;
      names.set(name, renamed);
    }
    return renamed;
  });
}

const percent = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 100);

/** The rates against their thresholds: bars for the values, boxes for the 95% intervals, a line at each threshold. */
export function ratesChart(results: AssessmentResults, language: Language): string {
  const rates = (['incidence', 'wrongExit', 'omission', 'wrongInclusion'] as const).map((key) => ({
    name: say(ASSESSMENT_LABELS[key], language),
    rate: results[key],
  }));
  return svg(
    'rates-chart',
    {
      title: { text: `${say(ASSESSMENT_LABELS.value, language)} (%)`, left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 50, right: 30, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: rates.map((r) => r.name) },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'bar',
          name: say(ASSESSMENT_LABELS.value, language),
          data: rates.map((r) => ({
            value: percent(r.rate.value) ?? 0,
            itemStyle: { color: r.rate.meets === false ? '#cf1322' : '#1677ff' },
          })),
          barWidth: '40%',
        },
        {
          type: 'candlestick',
          name: say(ASSESSMENT_LABELS.interval, language),
          data: rates.map((r) => {
            const low = percent(r.rate.low) ?? 0;
            const high = percent(r.rate.high) ?? 0;
            return [low, high, low, high];
          }),
          barWidth: '12%',
          itemStyle: { color: 'transparent', color0: 'transparent', borderColor: '#434343', borderColor0: '#434343' },
        },
        {
          type: 'scatter',
          name: say(ASSESSMENT_LABELS.threshold, language),
          symbol: 'rect',
          symbolSize: [40, 2],
          itemStyle: { color: '#fa8c16' },
          data: rates.map((r) => percent(r.rate.threshold) as number),
        },
      ],
    },
    640,
    320,
  );
}

/** Public approval against its 90% line. */
export function approvalChart(results: AssessmentResults, language: Language): string {
  const value = percent(results.approval.value) ?? 0;
  return svg(
    'approval-chart',
    {
      series: [
        {
          type: 'gauge',
          min: 0,
          max: 100,
          progress: { show: true },
          axisLine: {
            lineStyle: {
              width: 12,
              color: [
                [0.9, '#ffccc7'],
                [1, '#d9f7be'],
              ],
            },
          },
          detail: { formatter: '{value}%', fontSize: 20 },
          title: { offsetCenter: [0, '75%'] },
          data: [{ value, name: say(ASSESSMENT_LABELS.approval, language) }],
        },
      ],
    },
    320,
    320,
  );
}

/** Wrong-exit and omission rates village by village. */
export function villagesChart(
  villages: readonly GroupResult[],
  language: Language,
  nameOf: (code: string) => string = (code) => code,
): string {
  return svg(
    'villages-chart',
    {
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 70 },
      xAxis: { type: 'category', data: villages.map((v) => nameOf(v.areaCode)), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: (['wrongExit', 'omission', 'wrongInclusion'] as const).map((key) => ({
        type: 'bar' as const,
        name: say(ASSESSMENT_LABELS[key], language),
        data: villages.map((v) => percent(v[key].value) ?? 0),
      })),
    },
    Math.max(480, 60 * villages.length),
    320,
  );
}

/** How the surveyed households were found. */
export function verdictsChart(findings: readonly Finding[], language: Language): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.verdict, (counts.get(f.verdict) ?? 0) + 1);
  return svg(
    'verdicts-chart',
    {
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['30%', '60%'],
          label: { formatter: '{b}: {c}' },
          data: [...counts].map(([verdict, n]) => ({ name: enumLabel('Verdict', verdict, language), value: n })),
        },
      ],
    },
    480,
    320,
  );
}
