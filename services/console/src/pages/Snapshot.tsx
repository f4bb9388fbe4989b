import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Row, Space, Statistic, Table } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { AreaPicker } from '../AreaPicker';
import { useAreaName } from '../areas';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { afterToday } from '../dates';
import { ErrorView } from '../ErrorView';
import { SnapshotDocument, type SnapshotQuery } from '../generated';
import { useWords } from '../i18n';
import { purposeOk } from '../Purpose';
import { StatusTag } from '../StatusTag';

type Asked = { areaCode: string; effectiveOn: string; knownAt?: string; purpose?: string };
type SnapshotRow = SnapshotQuery['registrySnapshot']['rows']['edges'][number]['node'];
const PAGE_SIZE = 50;

/**
 * The registry as it stood: as of a business date, as known at a system time. The same
 * question gives the same answer however much is recorded later; totals, rows, and the rows
 * as Excel (.xlsx) or CSV, with Chinese headers and labels. ID numbers and names are masked for assessors, on screen and in the file.
 * Anyone else states the purpose of reading them (a bulk read of personal data): it is recorded
 * with the read, for the rows on screen and for the files.
 */
export function SnapshotPage() {
  const words = useWords();
  const session = useSignedIn();
  const [asked, setAsked] = useState<Asked>();
  const masked = session.claims.role === 'assessor';
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="snapshot">
      <Card size="small" title={words.t('snapshot')}>
        <Form
          layout="inline"
          style={{ rowGap: 8 }}
          initialValues={{
            areaCode: session.claims.area ?? '',
            effectiveOn: dayjs().subtract(1, 'year').endOf('year'),
          }}
          onFinish={(v: { areaCode: string; effectiveOn: Dayjs; knownAt?: Dayjs; purpose?: string }) =>
            setAsked({
              areaCode: v.areaCode,
              effectiveOn: v.effectiveOn.format('YYYY-MM-DD'),
              ...(v.knownAt ? { knownAt: v.knownAt.toISOString() } : {}),
              ...(v.purpose?.trim() ? { purpose: v.purpose.trim() } : {}),
            })
          }
        >
          <Form.Item
            name="areaCode"
            label={words.t('area')}
            rules={[{ required: true, pattern: /^\d{12}$/, message: words.t('areaCode') }]}
          >
            <AreaPicker
              style={{ width: 220 }}
              clearTo={session.claims.area ?? undefined}
              aria-label={words.t('area')}
            />
          </Form.Item>
          <Form.Item name="effectiveOn" label={words.t('effectiveOn')} rules={[{ required: true }]}>
            <DatePicker data-testid="snapshot-date" />
          </Form.Item>
          <Form.Item name="knownAt" label={words.t('knownAt')} tooltip={words.t('knownAtHelp')}>
            <DatePicker showTime disabledDate={afterToday} />
          </Form.Item>
          {!masked && (
            <Form.Item
              name="purpose"
              label={words.t('purpose')}
              tooltip={words.t('purposeHelp')}
              rules={[
                {
                  required: true,
                  validator: (_rule, value?: string) =>
                    purposeOk(value) ? Promise.resolve() : Promise.reject(new Error(words.t('purposeRule'))),
                },
              ]}
            >
              <Input style={{ width: 220 }} maxLength={200} data-testid="snapshot-purpose" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" data-testid="snapshot-show">
            {words.t('show')}
          </Button>
        </Form>
      </Card>
      {asked && <SnapshotResult asked={asked} />}
    </Space>
  );
}

function SnapshotResult({ asked }: { asked: Asked }) {
  const words = useWords();
  const session = useSignedIn();
  const areaName = useAreaName();
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors.at(-1);
  const snapshot = useGraphqlQuery(
    SnapshotDocument,
    { ...asked, first: PAGE_SIZE, ...(after ? { after } : {}) },
    { placeholderData: (previous) => previous },
  );
  const [downloadError, setDownloadError] = useState<string>();
  if (snapshot.error) return <ErrorView error={snapshot.error} retry={() => snapshot.refetch()} />;
  const s = snapshot.data?.registrySnapshot;
  if (!s) return null;

  // The file comes from the API with the session's token; the knownAt echoed back pins it to
  // exactly the snapshot on screen.
  const download = async (format: 'csv' | 'xlsx') => {
    setDownloadError(undefined);
    const query = new URLSearchParams({
      areaCode: s.areaCode,
      effectiveOn: s.effectiveOn,
      knownAt: s.knownAt,
      format,
      ...(asked.purpose ? { purpose: asked.purpose } : {}),
    });
    const response = await fetch(`/export/snapshot?${query}`, {
      headers: { Authorization: `Bearer ${session.token}` },
    }).catch(() => undefined);
    if (!response?.ok) {
      const body = (await response?.json().catch(() => undefined)) as { localizedMessage?: string } | undefined;
      setDownloadError(body?.localizedMessage ?? words.refusal({ code: response ? 'INTERNAL' : 'NETWORK' }));
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = `registry-${s.areaCode}-${s.effectiveOn}.${format}`;
    link.click();
    URL.revokeObjectURL(url);
  };

  return (
    <Card
      size="small"
      title={words.t('snapshotOf', {
        area: areaName(s.areaCode),
        date: words.date(s.effectiveOn),
        knownAt: words.dateTime(s.knownAt),
      })}
      extra={
        <Space>
          <Button type="primary" icon={<DownloadOutlined />} onClick={() => download('xlsx')} data-testid="export-xlsx">
            {words.t('exportXlsx')}
          </Button>
          <Button icon={<DownloadOutlined />} onClick={() => download('csv')} data-testid="export-csv">
            {words.t('exportCsv')}
          </Button>
        </Space>
      }
    >
      {downloadError && <Alert type="error" showIcon title={downloadError} />}
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        <Col xs={12} md={4}>
          <Statistic title={words.t('householdsTotal')} value={s.households} data-testid="snapshot-households" />
        </Col>
        <Col xs={12} md={4}>
          <Statistic title={words.t('peopleTotal')} value={s.people} />
        </Col>
        {s.byStatus.map((b) => (
          <Col key={b.status} xs={12} md={4}>
            <Statistic
              title={words.label('HouseholdStatus', b.status)}
              value={b.households}
              suffix={`/ ${b.people}${words.t('peopleUnit')}`}
            />
          </Col>
        ))}
      </Row>
      <Table<SnapshotRow>
        rowKey="householdId"
        size="small"
        data-testid="snapshot-rows"
        loading={snapshot.isFetching}
        pagination={false}
        dataSource={s.rows.edges.map((e) => e.node)}
        columns={[
          { title: words.t('cardNumber'), render: (_, r) => r.cardNumber ?? '—' },
          { title: words.t('head'), render: (_, r) => r.headName ?? '—' },
          { title: words.t('nationalId'), render: (_, r) => r.headNationalId ?? '—' },
          { title: words.t('village'), render: (_, r) => areaName(r.villageCode) },
          { title: words.t('status'), render: (_, r) => <StatusTag status={r.status} /> },
          { title: words.t('attribute'), render: (_, r) => words.label('HouseholdAttribute', r.attribute) },
          { title: words.t('memberCount'), dataIndex: 'memberCount' },
          {
            title: words.t('monitoring'),
            render: (_, r) => (r.monitoringCategory ? words.label('MonitoringCategory', r.monitoringCategory) : ''),
          },
        ]}
        footer={() => (
          <Space>
            <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              {words.t('previous')}
            </Button>
            <Button
              disabled={!s.rows.pageInfo.hasNextPage}
              onClick={() => s.rows.pageInfo.endCursor && setCursors([...cursors, s.rows.pageInfo.endCursor])}
            >
              {words.t('next')}
            </Button>
          </Space>
        )}
      />
    </Card>
  );
}
