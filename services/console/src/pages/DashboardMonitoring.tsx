import { Card, Col, Empty, Row, Statistic } from 'antd';
import { useMemo } from 'react';
import { useGraphqlQuery } from '../auth';
import { Chart } from '../Chart';
import { ErrorView } from '../ErrorView';
import { AreaMonitoringDocument, type AreaMonitoringQuery } from '../generated';
import { useWords } from '../i18n';

type Year = AreaMonitoringQuery['areaIndicatorSeries'][number];

/** The monitoring regime's first year (the seeded policy's `monitoring.from`, 2021-01-01). */
export const FIRST_MONITORING_YEAR = 2021;

/**
 * 防返贫动态监测 on the dashboard: for the year chosen (or the latest, when the one chosen is
 * before the regime) the alerts raised and verified in time, the households monitored at the
 * year's end and how many have measures, the year's risk eliminations, returns and natural
 * eliminations; then the trend since 2021, the alerts by channel and the monitored by risk.
 */
export function MonitoringSection({ areaCode, year }: { areaCode: string; year: number }) {
  const words = useWords();
  const thisYear = new Date().getFullYear();
  const series = useGraphqlQuery(
    AreaMonitoringDocument,
    { areaCode, fromYear: FIRST_MONITORING_YEAR, toYear: thisYear },
    { enabled: /^\d{12}$/.test(areaCode) },
  );
  const years = series.data?.areaIndicatorSeries ?? [];
  const shown = years.find((y) => y.year === year) ?? years.at(-1);
  const charts = useMemo(() => monitoringCharts(years, shown, words), [years, shown, words]);
  if (series.error) return <ErrorView error={series.error} retry={() => series.refetch()} />;
  if (!shown) return null;
  const m = shown.monitoring;
  const percent = (v: number | null) => (v === null ? '—' : (v * 100).toFixed(1));
  const title = (key: Parameters<typeof words.t>[0]) => `${shown.year} ${words.t(key)}`;
  return (
    <Card size="small" title={`${shown.year} ${words.t('monitoringRegime')}`} data-testid="monitoring-section">
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Statistic title={words.t('alertsRaised')} value={m.alerts.raised} data-testid="alerts-raised" />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={words.t('alertsInTime')}
            value={percent(m.alerts.inTimeRate)}
            suffix={m.alerts.inTimeRate === null ? '' : '%'}
          />
          <span style={{ fontSize: 12, color: 'rgba(0,0,0,0.68)' }}>
            {words.t('alertsInTimeOf', { inTime: m.alerts.verifiedInTime, due: m.alerts.due })}
            {m.alerts.overdue > 0 && `，${words.t('alertsOverdue')} ${m.alerts.overdue}`}
          </span>
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={words.t('monitoredEndOfYear')}
            value={`${m.endOfYear.households} / ${m.endOfYear.people}`}
            data-testid="monitored-end-of-year"
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={words.t('monitoredWithMeasures')}
            value={percent(m.endOfYear.withMeasuresRate)}
            suffix={m.endOfYear.withMeasuresRate === null ? '' : '%'}
          />
        </Col>
        <Col xs={8} md={6}>
          <Statistic title={words.t('monitoringStarted')} value={m.started} />
        </Col>
        <Col xs={8} md={6}>
          <Statistic title={words.t('riskEliminated')} value={m.eliminated} data-testid="risk-eliminated" />
        </Col>
        <Col xs={8} md={6}>
          <Statistic title={words.t('returnedWhileMonitored')} value={m.returnedToPoverty} />
        </Col>
        <Col xs={8} md={6}>
          <Statistic title={words.t('naturallyEnded')} value={m.naturallyEnded} />
        </Col>
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24} xl={12}>
          <Card size="small" title={words.t('monitoringTrend')}>
            <Chart option={charts.trend} testId="chart-monitoring" />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={title('alertsByChannel')}>
            {m.alerts.raised > 0 ? (
              <Chart option={charts.channels} testId="chart-alert-channels" />
            ) : (
              <Empty description={words.t('noData')} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={title('monitoredByRisk')}>
            {m.endOfYear.households > 0 ? (
              <Chart option={charts.risks} testId="chart-monitored-risks" />
            ) : (
              <Empty description={words.t('noData')} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={title('monitoredByCategory')}>
            {m.endOfYear.households > 0 ? (
              <Chart option={charts.categories} testId="chart-monitored-categories" />
            ) : (
              <Empty description={words.t('noData')} />
            )}
          </Card>
        </Col>
      </Row>
    </Card>
  );
}

function monitoringCharts(years: Year[], shown: Year | undefined, words: ReturnType<typeof useWords>) {
  const labels = years.map((y) => String(y.year));
  const base = { tooltip: { trigger: 'axis' }, grid: { left: 56, right: 24, top: 40, bottom: 32 }, legend: { top: 0 } };
  const flows = [
    ['started', 'monitoringStarted'],
    ['eliminated', 'riskEliminated'],
    ['returnedToPoverty', 'returnedWhileMonitored'],
    ['naturallyEnded', 'naturallyEnded'],
  ] as const;
  const m = shown?.monitoring;
  // A monitoring recorded before the regime may name its risk in words: shown as written.
  const risks = m?.endOfYear.byRisk ?? [];
  return {
    trend: {
      ...base,
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        ...flows.map(([field, label]) => ({
          name: words.t(label),
          type: 'bar',
          data: years.map((y) => y.monitoring[field]),
        })),
        {
          name: words.t('monitoredHouseholds'),
          type: 'line',
          data: years.map((y) => y.monitoring.endOfYear.households),
        },
      ],
    },
    channels: {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      series: [
        {
          name: words.t('alertChannel'),
          type: 'pie',
          radius: ['35%', '65%'],
          top: 24,
          data: (m?.alerts.byChannel ?? []).map((c) => ({
            name: words.label('AlertChannel', c.channel),
            value: c.count,
          })),
        },
      ],
    },
    risks: {
      ...base,
      grid: { ...base.grid, left: 120 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: risks.map((r) => words.label('RiskType', r.risk)) },
      series: [
        { name: words.t('monitoredByRisk'), type: 'bar', barMaxWidth: 28, data: risks.map((r) => r.households) },
      ],
    },
    categories: {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      series: [
        {
          name: words.t('monitoredByCategory'),
          type: 'pie',
          radius: ['35%', '65%'],
          top: 24,
          data: (m?.endOfYear.byCategory ?? []).map((c) => ({
            name: words.label('MonitoringCategory', c.category),
            value: c.households,
          })),
        },
      ],
    },
  };
}
