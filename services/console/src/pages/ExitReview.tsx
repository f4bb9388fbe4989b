import { Alert, Button, Card, Form, InputNumber, Space, Switch, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { AreaPicker } from '../AreaPicker';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { ErrorView } from '../ErrorView';
import { ExitReviewDocument, type ExitReviewQuery, type ExitReviewQueryVariables } from '../generated';
import { useWords } from '../i18n';

type Review = Extract<ExitReviewQuery['exitReview'], { __typename: 'ExitReview' }>;
type Row = Review['households'][number]['exits'][number] & { householdId: string; cardNumber: string | null };
type Policy = NonNullable<ExitReviewQueryVariables['policy']>;

/**
 * 回头看: every exit in the area re-checked against the exit rule on its history, under the
 * service's policy or under income lines the evaluator edits here.
 */
export function ExitReviewPage() {
  const words = useWords();
  const session = useSignedIn();
  const [areaCode, setAreaCode] = useState(session.claims.area ?? '');
  const [policy, setPolicy] = useState<Policy>();
  const [onlyFailing, setOnlyFailing] = useState(false);
  const review = useGraphqlQuery(
    ExitReviewDocument,
    { areaCode, onlyFailing, ...(policy ? { policy } : {}) },
    { enabled: /^\d{12}$/.test(areaCode), placeholderData: (previous) => previous },
  );
  const result = review.data?.exitReview;
  const rows: Row[] =
    result?.__typename === 'ExitReview'
      ? result.households.flatMap((h) =>
          h.exits.map((e) => ({ ...e, householdId: h.householdId, cardNumber: h.cardNumber })),
        )
      : [];
  // The lines the exits were approved under, year by year: where the editing starts.
  const approvedLines = useMemo(() => {
    const lines = new Map<number, number>();
    for (const row of rows) if (!lines.has(row.year)) lines.set(row.year, row.approvedIncomeLineFen);
    return [...lines].sort(([a], [b]) => a - b);
  }, [rows]);
  const [lines, setLines] = useState<Record<number, number>>({});
  const rerun = () => {
    const province = areaCode.slice(0, 2);
    setPolicy({
      id: `huitoukan-${new Date().toISOString().slice(0, 10)}`,
      provincialIncomeLines: approvedLines.map(([year, fen]) => ({ province, year, lineFen: lines[year] ?? fen })),
    });
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="exit-review">
      <Card size="small" title={words.t('exitReview')}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label={words.t('area')}>
            <AreaPicker
              value={areaCode}
              onChange={(v) => setAreaCode(v ?? session.claims.area ?? '')}
              style={{ width: 240 }}
              aria-label={words.t('area')}
            />
          </Form.Item>
          <Form.Item label={words.t('onlyFailing')}>
            <Switch checked={onlyFailing} onChange={setOnlyFailing} aria-label={words.t('onlyFailing')} />
          </Form.Item>
        </Form>
      </Card>
      {approvedLines.length > 0 && (
        <Card
          size="small"
          title={words.t('incomeLines')}
          extra={<Typography.Text type="secondary">{words.t('incomeLinesHelp')}</Typography.Text>}
        >
          <Space wrap>
            {approvedLines.map(([year, fen]) => (
              <Space key={year}>
                <span>{year}</span>
                <InputNumber
                  min={0}
                  precision={2}
                  suffix="元"
                  value={(lines[year] ?? fen) / 100}
                  onChange={(v) => setLines({ ...lines, [year]: Math.round(Number(v ?? 0) * 100) })}
                  aria-label={`${year} ${words.t('incomeLines')}`}
                  data-testid={`line-${year}`}
                />
              </Space>
            ))}
            <Button type="primary" onClick={rerun} data-testid="rerun">
              {words.t('rerun')}
            </Button>
          </Space>
        </Card>
      )}
      {review.error && <ErrorView error={review.error} retry={() => review.refetch()} />}
      {result?.__typename === 'ValidationError' && <Alert type="error" showIcon title={result.localizedMessage} />}
      {result?.__typename === 'ExitReview' && (
        <Card
          size="small"
          title={
            <span data-testid="review-summary">
              {words.t('reviewSummary', { policy: result.policyId, exits: result.exits, failing: result.failing })}
            </span>
          }
        >
          <Table<Row>
            rowKey="eventId"
            size="small"
            loading={review.isFetching}
            dataSource={rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            columns={[
              {
                title: words.t('cardNumber'),
                render: (_, r) => (
                  <Link to={`/households/${r.householdId}`}>{r.cardNumber ?? r.householdId.slice(0, 8)}</Link>
                ),
              },
              { title: words.t('year'), dataIndex: 'year' },
              { title: words.t('exitedOn'), render: (_, r) => words.date(r.exitedOn) },
              { title: words.t('income'), render: (_, r) => words.yuan(r.incomePerCapitaFen) },
              { title: words.t('approvedLine'), render: (_, r) => words.yuan(r.approvedIncomeLineFen) },
              {
                title: words.t('replayed'),
                render: (_, r) =>
                  r.passes ? (
                    <Tag color="green">{words.t('passes')}</Tag>
                  ) : (
                    <Space size={4} wrap data-testid="failing">
                      <Tag color="red">{words.t('fails')}</Tag>
                      {r.unmet.map((c) => (
                        <Tag key={c} color="red">
                          {words.label('ExitCriterion', c)}
                        </Tag>
                      ))}
                    </Space>
                  ),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
