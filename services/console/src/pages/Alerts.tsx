import { Button, Card, Space, Statistic, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useAreaName } from '../areas';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { BatchUpload } from '../BatchUpload';
import { ErrorView } from '../ErrorView';
import { RiskAlertsDocument, type RiskAlertsQuery } from '../generated';
import { useWords } from '../i18n';

type Item = RiskAlertsQuery['riskAlerts']['items'][number];

/**
 * 风险预警 queue of the signed-in area: the alerts waiting for verification (入户核实), the
 * overdue ones first with how many days past their date, then by date due. Each opens its
 * household, where the verification is recorded as a household step. A clerk uploads a
 * department's screening (部门筛查预警) here as a file (`POST /alert-batch`).
 */
export function AlertsPage() {
  const session = useSignedIn();
  const words = useWords();
  const areaName = useAreaName();
  const area = session.claims.area ?? '';
  const [all, setAll] = useState(false);
  const queue = useGraphqlQuery(
    RiskAlertsDocument,
    { areaCode: area, pending: !all },
    { enabled: /^\d{12}$/.test(area) },
  );
  const data = queue.data?.riskAlerts;
  const today = dayjs().format('YYYY-MM-DD');
  const late = (by: string) => dayjs(today).diff(dayjs(by), 'day');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card title={words.t('alerts')} data-testid="alerts">
        {queue.error && <ErrorView error={queue.error} retry={() => queue.refetch()} />}
        <Space size="large" style={{ marginBottom: 16 }}>
          <Statistic title={words.t('alertsPending')} value={data?.pending ?? 0} data-testid="alerts-pending" />
          <Statistic
            title={words.t('alertsOverdue')}
            value={data?.overdue ?? 0}
            valueStyle={data?.overdue ? { color: '#cf1322' } : undefined}
            data-testid="alerts-overdue"
          />
          <Space>
            <Switch
              checked={all}
              onChange={setAll}
              aria-label={words.t('alertsWithVerified')}
              data-testid="alerts-all"
            />
            <Typography.Text>{words.t('alertsWithVerified')}</Typography.Text>
          </Space>
          {session.claims.role === 'clerk' && (
            <Link to="/apply?mode=alert">
              <Button data-testid="alert-new-household">{words.t('alertForNewHousehold')}</Button>
            </Link>
          )}
        </Space>
        <Table<Item>
          rowKey={(i) => i.alert.alertId}
          size="small"
          loading={queue.isLoading}
          data-testid="alert-list"
          dataSource={data?.items ?? []}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            {
              title: words.t('household'),
              render: (_, i) => (
                <Link to={`/households/${i.householdId}`} data-testid="alert-household">
                  {i.cardNumber ?? i.address ?? i.householdId.slice(0, 8)}
                </Link>
              ),
            },
            { title: words.t('village'), render: (_, i) => areaName(i.villageCode) },
            {
              title: words.t('alertChannel'),
              render: (_, i) =>
                i.alert.department
                  ? `${words.label('AlertChannel', i.alert.channel)}（${words.label('AlertDepartment', i.alert.department)}）`
                  : words.label('AlertChannel', i.alert.channel),
            },
            {
              title: words.t('alertRisks'),
              render: (_, i) => i.alert.risks.map((r) => <Tag key={r}>{words.label('RiskType', r)}</Tag>),
            },
            { title: words.t('alertDetail'), render: (_, i) => i.alert.detail },
            { title: words.t('alertRaisedOn'), render: (_, i) => words.date(i.alert.raisedOn) },
            {
              title: words.t('alertVerifyBy'),
              render: (_, i) => (
                <Space size={4} data-testid="alert-deadline">
                  <span>{words.date(i.alert.verifyBy)}</span>
                  {i.alert.overdue && (
                    <Tag color="red">{words.t('alertOverdueDays', { days: late(i.alert.verifyBy) })}</Tag>
                  )}
                </Space>
              ),
            },
            {
              title: words.t('alertOutcome'),
              render: (_, i) =>
                i.alert.verification
                  ? `${words.label('AlertOutcome', i.alert.verification.outcome)}（${words.date(i.alert.verification.verifiedOn)}）`
                  : words.t('alertNotVerified'),
            },
          ]}
        />
      </Card>
      {session.claims.role === 'clerk' && (
        <Card title={words.t('alertBatch')} data-testid="alert-batch">
          <BatchUpload
            endpoint="/alert-batch"
            help={words.t('alertBatchHelp')}
            submitLabel={words.t('alertBatchRun')}
            testId="alert-batch"
            onDone={() => queue.refetch()}
            done={(outcome) => ({
              title: words.t('alertBatchDone', { recorded: outcome.recorded, unchanged: outcome.unchanged }),
              description:
                outcome.unmatched.length + outcome.outside.length > 0
                  ? words.t('alertBatchUnmatched', {
                      unmatched: outcome.unmatched.join(', ') || '—',
                      outside: outcome.outside.join(', ') || '—',
                    })
                  : undefined,
            })}
          />
        </Card>
      )}
    </Space>
  );
}
