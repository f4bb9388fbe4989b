import { DownloadOutlined } from '@ant-design/icons';
import { FIELD_LABELS } from '@registry/schema/messages';
import { Alert, Button, Card, DatePicker, Form, Input, Radio, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { fetchFile } from '../api';
import { useUnitName } from '../areas';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { ErrorView } from '../ErrorView';
import {
  ReadAccessDocument,
  type ReadAccessQuery,
  type ReadAccessQueryVariables,
  ReadVolumesDocument,
  type ReadVolumesQuery,
} from '../generated';
import { useWords } from '../i18n';

const PAGE_SIZE = 50;
type Read = ReadAccessQuery['readAccess']['edges'][number]['node'];
type Volume = ReadVolumesQuery['readVolumes'][number];
type Filter = NonNullable<ReadAccessQueryVariables['filter']>;

/** What each operation is, as an office says it; the code stays beside it. */
const OPERATIONS: Record<string, { zh: string; en: string }> = {
  household: { zh: '查看农户', en: 'Household' },
  households: { zh: '名册列表', en: 'Roll' },
  registrySnapshot: { zh: '时点名册', en: 'Registry as of' },
  householdEvents: { zh: '实时推送', en: 'Live feed' },
  auditTrail: { zh: '操作留痕', en: 'Audit trail' },
  thirdPartyAssessment: { zh: '第三方评估', en: 'Assessment' },
  logInclusionProof: { zh: '存证证明', en: 'Inclusion proof' },
  'GET /export/snapshot': { zh: '导出名册', en: 'Roll export' },
  'GET /export/assessment': { zh: '导出评估结果', en: 'Findings export' },
  'GET /print/notice': { zh: '打印公示', en: 'Printed notice' },
  'GET /print/household': { zh: '打印明白卡', en: 'Printed household card' },
};

function operationText(operation: string, language: 'zh' | 'en'): string {
  const http = operation.match(/^GET \/\S+/)?.[0];
  const roots = http ? [http] : operation.split(' ').slice(1).join(' ').split(',');
  const named = roots.map((r) => OPERATIONS[r]?.[language]).filter(Boolean);
  return named.length > 0 ? named.join('、') : operation;
}

/**
 * 个人信息查询记录, for admins: every read of unmasked personal data, newest first, by reader,
 * household and time; each reader's volume beside their usual, the unusual flagged; the record
 * as Excel.
 */
export function ReadsPage() {
  const words = useWords();
  const session = useSignedIn();
  const unitName = useUnitName();
  const [params, setParams] = useSearchParams();
  const filter: Filter = {};
  for (const key of ['actorId', 'householdId', 'from', 'to'] as const) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  const after = params.get('after') ?? undefined;
  const reads = useGraphqlQuery(
    ReadAccessDocument,
    { filter, first: PAGE_SIZE, ...(after ? { after } : {}) },
    { placeholderData: (previous) => previous },
  );
  const [period, setPeriod] = useState<'day' | 'week'>('day');
  // The period ends a minute from now: what is being read at this moment counts.
  const window = useMemo(() => {
    const to = dayjs().add(1, 'minute');
    return { from: to.subtract(1, period).toISOString(), to: to.toISOString() };
  }, [period]);
  const volumes = useGraphqlQuery(ReadVolumesDocument, window);
  const [fileError, setFileError] = useState<string>();
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    next.delete('after');
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };
  const download = async () => {
    setFileError(undefined);
    try {
      const query = new URLSearchParams({ format: 'xlsx', ...(filter as Record<string, string>) });
      const url = URL.createObjectURL(await fetchFile(session, `/export/reads?${query}`));
      const link = document.createElement('a');
      link.href = url;
      link.download = `个人信息查询记录-${dayjs().format('YYYY-MM-DD')}.xlsx`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setFileError(error instanceof Error ? error.message : String(error));
    }
  };
  const fieldText = (f: string) => FIELD_LABELS[f]?.[words.language] ?? f;
  const connection = reads.data?.readAccess;
  const flagged = volumes.data?.readVolumes.filter((v) => v.flagged) ?? [];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="reads">
      <Card
        size="small"
        title={words.t('readVolumes')}
        extra={
          <Radio.Group
            size="small"
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            options={[
              { value: 'day', label: words.t('lastDay') },
              { value: 'week', label: words.t('lastWeek') },
            ]}
            optionType="button"
          />
        }
      >
        {flagged.length > 0 && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="reads-flagged"
            title={`${words.t('flagged')}：${flagged.map((v) => v.actorId).join('、')}`}
          />
        )}
        {volumes.error ? (
          <ErrorView error={volumes.error} retry={() => volumes.refetch()} />
        ) : (
          <Table<Volume>
            rowKey="actorId"
            size="small"
            data-testid="reads-volumes"
            loading={volumes.isFetching}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={volumes.data?.readVolumes ?? []}
            columns={[
              {
                title: words.t('reader'),
                render: (_, v) => (
                  <Button type="link" size="small" onClick={() => update({ actorId: v.actorId })}>
                    {v.actorId}
                  </Button>
                ),
              },
              { title: words.t('role'), render: (_, v) => words.label('Role', v.actorRole) },
              { title: words.t('unit'), render: (_, v) => unitName(v.actorUnit) },
              { title: words.t('readsCount'), dataIndex: 'reads' },
              { title: words.t('householdCount'), dataIndex: 'households' },
              { title: words.t('usualHouseholds'), dataIndex: 'usual' },
              {
                title: '',
                render: (_, v) => (v.flagged ? <Tag color="red">{words.t('flagged')}</Tag> : null),
              },
            ]}
          />
        )}
      </Card>
      <Card
        size="small"
        title={words.t('readAccess')}
        extra={
          <Button icon={<DownloadOutlined />} onClick={download} data-testid="reads-export">
            {words.t('exportXlsxReads')}
          </Button>
        }
      >
        {fileError && <Alert type="error" showIcon title={fileError} style={{ marginBottom: 12 }} />}
        <Form layout="inline" style={{ rowGap: 8, marginBottom: 12 }}>
          <Form.Item label={words.t('reader')}>
            <Input.Search
              allowClear
              defaultValue={filter.actorId ?? ''}
              onSearch={(v) => update({ actorId: v.trim() || undefined })}
              style={{ width: 200 }}
              aria-label={words.t('reader')}
              data-testid="reads-actor"
            />
          </Form.Item>
          <Form.Item label={words.t('householdId')}>
            <Input.Search
              allowClear
              defaultValue={filter.householdId ? String(filter.householdId) : ''}
              onSearch={(v) => update({ householdId: v.trim() || undefined })}
              style={{ width: 320 }}
              aria-label={words.t('householdId')}
              data-testid="reads-household"
            />
          </Form.Item>
          <Form.Item label={words.t('timeRange')}>
            <DatePicker.RangePicker
              showTime
              value={[filter.from ? dayjs(filter.from) : null, filter.to ? dayjs(filter.to) : null]}
              onChange={(range) => update({ from: range?.[0]?.toISOString(), to: range?.[1]?.toISOString() })}
            />
          </Form.Item>
          <Form.Item>
            <Button onClick={() => setParams(new URLSearchParams())}>{words.t('reset')}</Button>
          </Form.Item>
        </Form>
        {reads.error ? (
          <ErrorView error={reads.error} retry={() => reads.refetch()} />
        ) : (
          <Table<Read>
            rowKey="seq"
            size="small"
            data-testid="reads-records"
            loading={reads.isFetching}
            pagination={false}
            dataSource={connection?.edges.map((e) => e.node) ?? []}
            columns={[
              { title: words.t('readAt'), render: (_, r) => words.dateTime(r.readAt) },
              {
                title: words.t('reader'),
                render: (_, r) => (
                  <span>
                    {words.label('Role', r.actorRole)} {unitName(r.actorUnit)}{' '}
                    <Typography.Text type="secondary">（{r.actorId}）</Typography.Text>
                  </span>
                ),
              },
              {
                title: words.t('operation'),
                render: (_, r) => (
                  <span title={r.operation} data-testid="reads-operation">
                    {operationText(r.operation, words.language)}
                  </span>
                ),
              },
              { title: words.t('purpose'), render: (_, r) => r.purpose ?? '—' },
              {
                title: words.t('householdCount'),
                render: (_, r) =>
                  r.householdCount === 1 && r.households[0] && !r.households[0].startsWith('finding:') ? (
                    <Link to={`/households/${r.households[0]}`}>1</Link>
                  ) : (
                    r.householdCount
                  ),
              },
              { title: words.t('fields'), render: (_, r) => r.fields.map(fieldText).join('、') },
            ]}
            footer={() => (
              <Space>
                <Typography.Text type="secondary">
                  {connection ? words.t('readsTotal', { n: String(connection.totalCount) }) : ''}
                </Typography.Text>
                <Button disabled={!after} onClick={() => update({})}>
                  {words.t('newer')}
                </Button>
                <Button
                  disabled={!connection?.pageInfo.hasNextPage}
                  onClick={() => {
                    const next = new URLSearchParams(params);
                    next.set('after', connection?.pageInfo.endCursor ?? '');
                    setParams(next);
                  }}
                  data-testid="reads-older"
                >
                  {words.t('older')}
                </Button>
              </Space>
            )}
          />
        )}
      </Card>
    </Space>
  );
}
