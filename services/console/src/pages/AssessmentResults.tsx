import { ASSESSMENT_LABELS, say } from '@registry/schema/messages';
import { Card, Col, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useAreaName } from '../areas';
import { useGraphqlQuery } from '../auth';
import { Chart } from '../Chart';
import { ErrorView } from '../ErrorView';
import {
  type AssessmentQuery,
  AssessmentRectificationsDocument,
  type AssessmentRectificationsQuery,
  type RateFactsFragment,
} from '../generated';
import { useWords } from '../i18n';

type Assessment = NonNullable<AssessmentQuery['thirdPartyAssessment']>;
type Group = Assessment['byVillage'][number];
const RATES = ['incidence', 'wrongExit', 'omission', 'approval', 'wrongInclusion'] as const;
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);

/** One rate: its value, its 95% interval, its threshold and whether it meets it. */
function RateCard({ name, rate }: { name: (typeof RATES)[number]; rate: RateFactsFragment }) {
  const words = useWords();
  const met = rate.meets === null ? 'default' : rate.meets ? 'green' : 'red';
  return (
    <Card size="small" data-testid={`rate-${name}`}>
      <Statistic
        title={say(ASSESSMENT_LABELS[name], words.language)}
        value={pct(rate.value)}
        styles={{ content: { color: rate.meets === false ? '#cf1322' : undefined } }}
      />
      <Typography.Text type="secondary">
        {say(ASSESSMENT_LABELS.interval, words.language)} {pct(rate.low)} – {pct(rate.high)}
      </Typography.Text>
      <div>
        <Tag color={met}>
          {words.label('RateComparison', rate.comparison)} {pct(rate.threshold)} ·{' '}
          {say(ASSESSMENT_LABELS[rate.meets === null ? 'unknown' : rate.meets ? 'yes' : 'no'], words.language)}
        </Tag>
        <Typography.Text type="secondary">
          {rate.numerator} / {rate.denominator ?? '—'}
        </Typography.Text>
      </div>
    </Card>
  );
}

export function ResultsView({ assessment }: { assessment: Assessment }) {
  const words = useWords();
  const areaName = useAreaName();
  const r = assessment.results;
  const label = (key: keyof typeof ASSESSMENT_LABELS) => say(ASSESSMENT_LABELS[key], words.language);
  const groupColumns = [
    { title: words.t('area'), render: (_: unknown, g: Group) => areaName(g.areaCode) },
    { title: label('sampled'), dataIndex: 'sampled' },
    { title: label('surveyed'), dataIndex: 'surveyed' },
    ...(['wrongExit', 'omission', 'wrongInclusion', 'approval'] as const).map((key) => ({
      title: label(key),
      render: (_: unknown, g: Group) => (
        <span style={{ color: g[key].meets === false ? '#cf1322' : undefined }}>{pct(g[key].value)}</span>
      ),
    })),
  ];
  return (
    <>
      <Card
        size="small"
        style={{ marginBottom: 12 }}
        title={words.t('resultsAsOf', { time: words.dateTime(assessment.asOf) })}
        extra={
          <Tag
            data-testid="assessment-recommendation"
            color={r.recommendation === 'exit' ? 'green' : r.recommendation === 'not_exit' ? 'red' : 'default'}
          >
            {words.label('AssessmentRecommendation', r.recommendation)}
          </Tag>
        }
      >
        <Row gutter={[12, 12]}>
          {RATES.map((name) => (
            <Col key={name} xs={24} md={12} xl={8}>
              <RateCard name={name} rate={r[name]} />
            </Col>
          ))}
          <Col xs={24} md={12} xl={8}>
            <Card size="small">
              <Statistic title={label('surveyed')} value={r.surveyed} suffix={`/ ${r.sampled}`} />
              <Typography.Text type="secondary">
                {label('outside')}: {r.outside} · {label('missingFindings')}: {r.missingFindings}
                {r.villagesWithoutPopulation.length > 0 &&
                  ` · ${label('noPopulation')}: ${r.villagesWithoutPopulation.join(', ')}`}
              </Typography.Text>
            </Card>
          </Col>
        </Row>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {label('method')}
        </Typography.Paragraph>
        <Chart
          testId="assessment-chart"
          option={{
            tooltip: {},
            legend: {},
            xAxis: { type: 'category', data: assessment.byVillage.map((v) => areaName(v.areaCode)) },
            yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
            series: (['wrongExit', 'omission', 'wrongInclusion'] as const).map((key) => ({
              type: 'bar',
              name: label(key),
              data: assessment.byVillage.map((v) =>
                v[key].value === null ? 0 : Math.round(v[key].value * 10_000) / 100,
              ),
            })),
          }}
        />
      </Card>
      <Card size="small" title={label('byTownship')} style={{ marginBottom: 12 }}>
        <Table<Group>
          rowKey="areaCode"
          size="small"
          pagination={false}
          dataSource={assessment.byTownship}
          columns={groupColumns}
        />
      </Card>
      <Card size="small" title={label('byVillage')}>
        <Table<Group>
          rowKey="areaCode"
          size="small"
          pagination={false}
          dataSource={assessment.byVillage}
          columns={groupColumns}
          data-testid="assessment-villages"
        />
      </Card>
    </>
  );
}

type Item = NonNullable<AssessmentRectificationsQuery['thirdPartyAssessment']>['rectifications'][number];

/** 整改清单: what the findings ask of the county, and whether the registry shows it done. */
export function Rectifications({ assessmentId }: { assessmentId: string }) {
  const words = useWords();
  const areaName = useAreaName();
  const list = useGraphqlQuery(AssessmentRectificationsDocument, { id: assessmentId });
  if (list.error) return <ErrorView error={list.error} retry={() => list.refetch()} />;
  return (
    <Table<Item>
      rowKey={(i) => i.finding.findingId}
      size="small"
      loading={list.isLoading}
      data-testid="rectifications"
      dataSource={list.data?.thirdPartyAssessment?.rectifications ?? []}
      pagination={{ pageSize: 50 }}
      columns={[
        { title: words.t('verdict'), render: (_, i) => words.label('Verdict', i.finding.verdict) },
        { title: words.t('action'), render: (_, i) => words.label('RectificationAction', i.action) },
        { title: words.t('village'), render: (_, i) => areaName(i.finding.villageCode) },
        {
          title: words.t('head'),
          render: (_, i) =>
            i.finding.householdId ? (
              <a href={`/households/${i.finding.householdId}`} data-testid="rectification-household">
                {[i.cardNumber, i.headName].filter(Boolean).join(' ') || i.finding.householdId.slice(0, 8)}
              </a>
            ) : (
              `${i.finding.label ?? ''} ${i.finding.headName ?? ''} ${i.finding.headNationalId ?? ''}`
            ),
        },
        { title: words.t('notes'), render: (_, i) => i.finding.notes ?? '' },
        {
          title: words.t('status'),
          render: (_, i) =>
            i.actedOn ? (
              <Tag color="green">
                {words.t('actedOn')} {words.dateTime(i.actedAt)}
              </Tag>
            ) : (
              <Tag color="orange">{words.t('notActed')}</Tag>
            ),
        },
      ]}
    />
  );
}
