import { Alert, Badge, Button, Card, Col, List, Row, Space, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { areaLevel, useAreaName } from '../areas';
import { useGraphqlMutation, useGraphqlQuery, useSignedIn } from '../auth';
import { ErrorView } from '../ErrorView';
import {
  AcceptMoveDocument,
  CaseStepDutiesDocument,
  IncomingMovesDocument,
  RiskAlertsDocument,
  WorkQueueCountsDocument,
  type WorkQueueCountsQuery,
} from '../generated';
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
const MONITORING = ['village_review', 'village_notice', 'township_review', 'county_decision'] as const;
const ELIMINATION = ['village_review', 'village_notice', 'county_approval'] as const;
const ORDER = ['village', 'township', 'county', 'province'] as const;

/**
 * The clerk's work queue: households waiting at each step of identification and exit (notices
 * among them, with when they end), the alerts awaiting verification (with how many are
 * overdue), monitored households' identification and risk elimination at each step, those
 * below the visit minimum this year, and those monitored. Each opens the roll filtered to it
 * (the alerts, their queue).
 */
export function QueuePage() {
  const words = useWords();
  const navigate = useNavigate();
  const year = new Date().getFullYear();
  const counts = useGraphqlQuery(WorkQueueCountsDocument, { year });
  const session = useSignedIn();
  const area = session.claims.area ?? '';
  const alerts = useGraphqlQuery(
    RiskAlertsDocument,
    { areaCode: area, pending: true },
    { enabled: /^\d{12}$/.test(area) },
  );
  const duties = useGraphqlQuery(CaseStepDutiesDocument, {});
  if (counts.error) return <ErrorView error={counts.error} retry={() => counts.refetch()} />;
  const c = counts.data;
  // Whose each step is under the policy in force: yours, or another office's (named).
  const level = area ? areaLevel(area) : 'province';
  const levelsOf = new Map((duties.data?.caseStepDuties ?? []).map((d) => [`${d.kind}_${d.step}`, d.levels]));
  const item = (key: string, label: string, count: number | undefined, to: string) => {
    const levels = levelsOf.get(key) ?? [];
    const elsewhere = levels.length > 0 && !levels.includes(level) ? levels : null;
    return { key, label, count, to, elsewhere };
  };
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
      title: words.t('queueMonitoring'),
      items: [
        item(
          'alerts',
          words.t('queueAlerts', { overdue: alerts.data?.riskAlerts.overdue ?? 0 }),
          alerts.data?.riskAlerts.pending,
          '/alerts',
        ),
        ...MONITORING.map((step) =>
          item(
            `monitoring_${step}`,
            words.step(step),
            c?.[`monitoring_${step}` as keyof Counts]?.totalCount,
            `/?case=monitoring:${step}`,
          ),
        ),
      ],
    },
    {
      title: words.t('queueElimination'),
      items: ELIMINATION.map((step) =>
        item(
          `elimination_${step}`,
          words.step(step),
          c?.[`elimination_${step}` as keyof Counts]?.totalCount,
          `/?case=elimination:${step}`,
        ),
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
  const all = sections.flatMap((x) => x.items);
  const total = (items: typeof all) => items.reduce((n, i) => n + (i.count ?? 0), 0);
  const office = (levels: readonly string[]) =>
    ORDER.filter((l) => levels.includes(l))
      .map((l) => words.t(`office_${l}`))
      .join(words.language === 'zh' ? '或' : ' or ');
  return (
    <Row gutter={[12, 12]} data-testid="queue">
      <Col xs={24}>
        <Card size="small">
          <Space size="large" wrap>
            <Statistic
              title={words.t('queueMine')}
              value={total(all.filter((i) => !i.elsewhere))}
              data-testid="queue-mine"
            />
            <Statistic
              title={words.t('queueElsewhere')}
              value={total(all.filter((i) => i.elsewhere))}
              data-testid="queue-elsewhere"
            />
          </Space>
        </Card>
      </Col>
      <Col xs={24}>
        <IncomingMoves />
      </Col>
      {sections.map((section) => (
        <Col key={section.title} xs={24} lg={8}>
          <Card size="small" title={section.title} loading={counts.isPending}>
            <List
              size="small"
              // Yours first; then what waits on another office, named, its count in grey.
              dataSource={[...section.items.filter((i) => !i.elsewhere), ...section.items.filter((i) => i.elsewhere)]}
              renderItem={(i) => (
                <List.Item
                  data-testid={`queue-${i.key}`}
                  data-elsewhere={i.elsewhere ? 'true' : undefined}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(i.to)}
                  extra={
                    <Badge
                      count={i.count ?? 0}
                      showZero
                      color={i.count && !i.elsewhere ? '#c8161d' : '#8c8c8c'}
                      overflowCount={9999}
                    />
                  }
                >
                  <Space size={4} wrap>
                    <Typography.Link>{i.label}</Typography.Link>
                    {i.elsewhere && (
                      <Tag data-testid="queue-office">{words.t('queueByOffice', { office: office(i.elsewhere) })}</Tag>
                    )}
                  </Space>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** Households moving into the area (迁入), awaiting acceptance here; accepting is this area's step. */
function IncomingMoves() {
  const words = useWords();
  const session = useSignedIn();
  const areaName = useAreaName();
  const area = session.claims.area ?? '';
  const moves = useGraphqlQuery(IncomingMovesDocument, { areaCode: area }, { enabled: /^\d{12}$/.test(area) });
  const accept = useGraphqlMutation(AcceptMoveDocument);
  const [refusal, setRefusal] = useState<string>();
  const list = moves.data?.incomingMoves ?? [];
  if (list.length === 0) return null;
  const take = async (householdId: string) => {
    setRefusal(undefined);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    try {
      const answer = await accept.mutateAsync({
        commandId: crypto.randomUUID(),
        input: { householdId, effectiveAt: today },
      });
      if (answer.acceptMove.__typename !== 'CommandSuccess') setRefusal(answer.acceptMove.localizedMessage);
      else moves.refetch();
    } catch (error) {
      setRefusal(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    }
  };
  return (
    <Card size="small" title={words.t('incomingMoves')} data-testid="incoming-moves">
      {refusal && <Alert type="error" showIcon title={refusal} style={{ marginBottom: 8 }} />}
      <List
        size="small"
        dataSource={list}
        renderItem={(m) => (
          <List.Item
            data-testid="incoming-move"
            extra={
              <Button
                size="small"
                type="primary"
                loading={accept.isPending}
                onClick={() => take(m.householdId)}
                data-testid="accept-move"
              >
                {words.t('acceptMove')}
              </Button>
            }
          >
            <span>
              {m.cardNumber ?? m.householdId.slice(0, 8)} · {areaName(m.fromVillageCode)} → {areaName(m.toVillageCode)}{' '}
              · {words.date(m.proposedOn)} {m.relocation && <Tag color="gold">{words.t('relocation')}</Tag>}
            </span>
          </List.Item>
        )}
      />
    </Card>
  );
}
