import { Breadcrumb, Button, Card, Col, Empty, Input, Row, Select, Space, Spin, Statistic } from 'antd';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useAreaChildren, useAreaName } from '../areas';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { Chart } from '../Chart';
import { ErrorView } from '../ErrorView';
import { AreaSeriesDocument, type AreaSeriesQuery } from '../generated';
import { useWords } from '../i18n';
import { MonitoringSection } from './DashboardMonitoring';

type Year = AreaSeriesQuery['areaIndicatorSeries'][number];
const FIRST_YEAR = 2014;
const prefix = (code: string) => code.replace(/(000)+$/, '');
const parentOf = (code: string): string | undefined =>
  code.endsWith('000000') ? undefined : code.endsWith('000') ? `${code.slice(0, 6)}000000` : `${code.slice(0, 9)}000`;

/**
 * An area's indicators over the years, drawn from the API's indicator series: poverty
 * incidence, transitions, funds, visit compliance and 五项落实; drill-down county → township →
 * village.
 */
/** Up to this many areas below, drill down by buttons; more, by a searchable list. */
const DRILL_BUTTONS = 12;

export function DashboardPage() {
  const words = useWords();
  const session = useSignedIn();
  const [params, setParams] = useSearchParams();
  const scope = session.claims.area ?? '';
  const areaCode = params.get('area') ?? scope;
  const thisYear = new Date().getFullYear();
  const series = useGraphqlQuery(
    AreaSeriesDocument,
    { areaCode, fromYear: FIRST_YEAR, toYear: thisYear },
    { enabled: /^\d{12}$/.test(areaCode) },
  );
  const years = series.data?.areaIndicatorSeries ?? [];
  const withFunds = years.filter((y) => y.funds.length > 0);
  const year = Number(params.get('year') ?? withFunds.at(-1)?.year ?? thisYear);
  const selected = years.find((y) => y.year === year);
  const name = useAreaName();
  const children = useAreaChildren(/^\d{12}$/.test(areaCode) ? areaCode : null);
  const trail: string[] = [];
  for (let code: string | undefined = areaCode; code; code = parentOf(code)) {
    trail.unshift(code);
    if (scope && prefix(code) === prefix(scope)) break;
  }
  const go = (changes: Record<string, string>) => setParams({ ...Object.fromEntries(params), ...changes });

  const charts = useMemo(() => chartOptions(years, selected, words), [years, selected, words]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="dashboard">
      <Card size="small">
        <Space wrap>
          <Breadcrumb
            items={trail.map((code) => ({
              title: (
                <Button type="link" size="small" onClick={() => go({ area: code })}>
                  {name(code)}
                </Button>
              ),
            }))}
          />
          {children.length > 0 && <span>{words.t('drillDown')}</span>}
          {children.length <= DRILL_BUTTONS ? (
            children.map((child) => (
              <Button key={child.code} size="small" onClick={() => go({ area: child.code })} data-testid="drill">
                {child.name}
              </Button>
            ))
          ) : (
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 180 }}
              placeholder={words.t('drillDown')}
              aria-label={words.t('drillDown')}
              options={children.map((c) => ({ value: c.code, label: c.name }))}
              onChange={(code: string) => go({ area: code })}
              data-testid="drill-select"
            />
          )}
          {!scope && (
            <Input.Search
              defaultValue={areaCode}
              style={{ width: 220 }}
              onSearch={(v) => go({ area: v.trim() })}
              placeholder={words.t('areaCode')}
              aria-label={words.t('areaCode')}
            />
          )}
          <Select
            value={year}
            style={{ width: 120 }}
            options={years.map((y) => ({ value: y.year, label: `${y.year}` }))}
            onChange={(v: number) => go({ year: String(v) })}
            aria-label={words.t('year')}
            data-testid="year"
          />
        </Space>
      </Card>
      {series.error && <ErrorView error={series.error} retry={() => series.refetch()} />}
      {series.isPending && !series.error && <Spin />}
      {selected && (
        <Row gutter={[12, 12]}>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic
                title={`${year} ${words.t('povertyIncidence')}`}
                value={selected.povertyIncidence === null ? '—' : (selected.povertyIncidence * 100).toFixed(2)}
                suffix={selected.povertyIncidence === null ? '' : '%'}
              />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic title={words.t('onRollEndOfYear')} value={selected.endOfYear.registeredHouseholds} />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic
                title={words.t('visitCompliance')}
                value={selected.visits.rate === null ? '—' : (selected.visits.rate * 100).toFixed(1)}
                suffix={selected.visits.rate === null ? '' : '%'}
              />
            </Card>
          </Col>
          <Col xs={12} md={6}>
            <Card size="small">
              <Statistic
                title={words.t('fiveItems')}
                value={`${selected.fiveItems.complete} / ${selected.fiveItems.households}`}
                data-testid="five-items"
              />
            </Card>
          </Col>
        </Row>
      )}
      {years.length === 0 && series.isSuccess && <Empty description={words.t('noData')} />}
      {years.length > 0 && (
        <Row gutter={[12, 12]}>
          <Col xs={24} xl={12}>
            <Card size="small" title={words.t('povertyIncidence')}>
              <Chart option={charts.incidence} testId="chart-incidence" />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={words.t('transitions')}>
              <Chart option={charts.transitions} testId="chart-transitions" onClick={(y) => go({ year: y })} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={`${year} ${words.t('fundsByCategory')}`}>
              <Chart option={charts.funds} testId="chart-funds" />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={`${year} ${words.t('fundsBySource')}`}>
              <Chart option={charts.sources} testId="chart-sources" />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={words.t('visitCompliance')}>
              <Chart option={charts.visits} testId="chart-visits" />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={`${year} ${words.t('fiveItemsMissing')}`}>
              <Chart option={charts.fiveItems} testId="chart-five-items" />
            </Card>
          </Col>
        </Row>
      )}
      {/^\d{12}$/.test(areaCode) && <MonitoringSection areaCode={areaCode} year={year} />}
    </Space>
  );
}

function chartOptions(years: Year[], selected: Year | undefined, words: ReturnType<typeof useWords>) {
  const labels = years.map((y) => String(y.year));
  const yuan = (fen: number) => Math.round(fen) / 100;
  const percent = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 100);
  const axis = { type: 'category', data: labels };
  const base = { tooltip: { trigger: 'axis' }, grid: { left: 56, right: 24, top: 40, bottom: 32 }, legend: { top: 0 } };
  const transitions = [
    ['registrations', 'registrationsPerYear'],
    ['exits', 'exitsPerYear'],
    ['returns', 'returnsPerYear'],
    ['removals', 'removalsPerYear'],
    ['naturalDecreases', 'decreasesPerYear'],
  ] as const;
  const funds = selected?.funds ?? [];
  const categories = [...new Set(funds.map((f) => f.category))];
  const sources = [...new Set(funds.map((f) => f.fundingSource))];
  const missing = selected?.fiveItems.missing;
  const items = ['cause', 'attribute', 'measures', 'helper', 'funds'] as const;
  return {
    incidence: {
      ...base,
      xAxis: axis,
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: [
        { name: words.t('povertyIncidence'), type: 'line', data: years.map((y) => percent(y.povertyIncidence)) },
      ],
    },
    transitions: {
      ...base,
      xAxis: axis,
      yAxis: { type: 'value', minInterval: 1 },
      series: transitions.map(([field, label]) => ({
        name: words.t(label),
        type: 'bar',
        data: years.map((y) => y.during[field]),
      })),
    },
    funds: {
      ...base,
      xAxis: { type: 'category', data: categories.map((c) => words.label('AssistanceCategory', c)) },
      yAxis: { type: 'value', name: words.language === 'zh' ? '元' : '¥' },
      series: (['plannedFen', 'deliveredFen'] as const).map((field) => ({
        name: words.t(field === 'plannedFen' ? 'planned' : 'delivered'),
        type: 'bar',
        data: categories.map((c) => yuan(funds.filter((f) => f.category === c).reduce((sum, f) => sum + f[field], 0))),
      })),
    },
    sources: {
      tooltip: { trigger: 'item' },
      legend: { top: 0 },
      series: [
        {
          name: words.t('planned'),
          type: 'pie',
          radius: ['35%', '65%'],
          top: 24,
          data: sources.map((s) => ({
            name: words.label('FundingSource', s),
            value: yuan(funds.filter((f) => f.fundingSource === s).reduce((sum, f) => sum + f.plannedFen, 0)),
          })),
        },
      ],
    },
    visits: {
      ...base,
      xAxis: axis,
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: [{ name: words.t('visitCompliance'), type: 'line', data: years.map((y) => percent(y.visits.rate)) }],
    },
    fiveItems: {
      ...base,
      xAxis: { type: 'category', data: items.map((i) => words.t(`missing_${i}`)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: words.t('fiveItemsMissing'), type: 'bar', data: items.map((i) => missing?.[i] ?? 0) }],
    },
  };
}
