import { Card, Space, Table } from 'antd';
import { Link } from 'react-router';
import { useAreaName } from '../areas';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { type BatchOutcome, BatchUpload } from '../BatchUpload';
import { ErrorView } from '../ErrorView';
import { ComparisonReviewListDocument, type ComparisonReviewListQuery } from '../generated';
import { useWords } from '../i18n';
import { StatusTag } from '../StatusTag';

interface Outcome extends BatchOutcome {
  disqualifying: number;
}
type Item = ComparisonReviewListQuery['comparisonReviewList'][number];

/** 数据比对: an agency's file matched to households by ID number, and the county's review list it leads to. */
export function ComparisonPage() {
  const session = useSignedIn();
  const words = useWords();
  const areaName = useAreaName();
  const area = session.claims.area ?? '';
  const list = useGraphqlQuery(ComparisonReviewListDocument, { areaCode: area }, { enabled: /^\d{12}$/.test(area) });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={words.t('comparison')} data-testid="comparison">
        <BatchUpload<Outcome>
          endpoint="/comparison"
          help={words.t('comparisonHelp')}
          submitLabel={words.t('comparisonRun')}
          testId="comparison"
          onDone={() => list.refetch()}
          done={(outcome) => ({
            title: words.t('comparisonDone', {
              recorded: outcome.recorded,
              unchanged: outcome.unchanged,
              disqualifying: outcome.disqualifying,
            }),
            description:
              outcome.unmatched.length + outcome.outside.length > 0
                ? words.t('comparisonUnmatched', {
                    unmatched: outcome.unmatched.join(', ') || '—',
                    outside: outcome.outside.join(', ') || '—',
                  })
                : undefined,
          })}
        />
      </Card>
      <Card title={words.t('reviewList')}>
        {list.error ? (
          <ErrorView error={list.error} retry={() => list.refetch()} />
        ) : (
          <Table<Item>
            rowKey={(i) => `${i.householdId}-${i.recordedAt}`}
            size="small"
            loading={list.isLoading}
            data-testid="review-list"
            dataSource={list.data?.comparisonReviewList ?? []}
            columns={[
              {
                title: words.t('cardNumber'),
                render: (_, i) => (
                  <Link to={`/households/${i.householdId}`}>{i.cardNumber ?? i.householdId.slice(0, 8)}</Link>
                ),
              },
              { title: words.t('status'), render: (_, i) => <StatusTag status={i.status} /> },
              { title: words.t('village'), render: (_, i) => areaName(i.villageCode) },
              { title: words.t('agency'), render: (_, i) => words.label('ComparisonAgency', i.agency) },
              { title: words.t('finding'), dataIndex: 'detail' },
              { title: words.t('file'), dataIndex: 'fileName' },
              { title: words.t('recordedAt'), render: (_, i) => words.dateTime(i.recordedAt) },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
