import { Badge, Card, Col, List, Row, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { useGraphqlQuery } from '../auth';
import { ErrorView } from '../ErrorView';
import { WorkQueueCountsDocument, type WorkQueueCountsQuery } from '../generated';
import { useWords } from '../i18n';

type Counts = WorkQueueCountsQuery;
const IDENTIFICATION = [
  'village_review',
  'village_notice',
  'township_review',
  'township_notice',
  'data_comparison',
  'county_approval',
] as const;
const EXIT = ['village_review', 'village_notice', 'confirmation', 'township_verification', 'county_approval'] as const;

/**
 * The clerk's work queue: households waiting at each step of identification and exit (notices
 * among them, with when they end), those below the visit minimum this year, and those
 * monitored. Each opens the roll filtered to it.
 */
export function QueuePage() {
  const words = useWords();
  const navigate = useNavigate();
  const year = new Date().getFullYear();
  const counts = useGraphqlQuery(WorkQueueCountsDocument, { year });
  if (counts.error) return <ErrorView error={counts.error} retry={() => counts.refetch()} />;
  const c = counts.data;
  const item = (key: string, label: string, count: number | undefined, to: string) => ({ key, label, count, to });
  const sections = [
    {
      title: words.t('queueIdentification'),
      items: IDENTIFICATION.map((step) =>
        item(
          `identification_${step}`,
          words.step(step),
          c?.[`identification_${step}` as keyof Counts]?.totalCount,
          `/?case=identification:${step}`,
        ),
      ),
    },
    {
      title: words.t('queueExit'),
      items: EXIT.map((step) =>
        item(`exit_${step}`, words.step(step), c?.[`exit_${step}` as keyof Counts]?.totalCount, `/?case=exit:${step}`),
      ),
    },
    {
      title: words.t('queueOther'),
      items: [
        item(
          'fewVisits',
          words.t('queueFewVisits', { year }),
          c?.fewVisits.totalCount,
          `/?fewVisits=${year}&status=registered&status=returned`,
        ),
        item('monitored', words.t('queueMonitored'), c?.monitored.totalCount, '/?monitored=true'),
      ],
    },
  ];
  return (
    <Row gutter={[12, 12]} data-testid="queue">
      {sections.map((section) => (
        <Col key={section.title} xs={24} lg={8}>
          <Card size="small" title={section.title} loading={counts.isPending}>
            <List
              size="small"
              dataSource={section.items}
              renderItem={(i) => (
                <List.Item
                  data-testid={`queue-${i.key}`}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(i.to)}
                  extra={
                    <Badge count={i.count ?? 0} showZero color={i.count ? '#c8161d' : '#d9d9d9'} overflowCount={9999} />
                  }
                >
                  <Typography.Link>{i.label}</Typography.Link>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
