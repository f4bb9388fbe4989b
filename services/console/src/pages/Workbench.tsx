import { DownloadOutlined } from '@ant-design/icons';
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Form,
  Input,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { lazy, Suspense } from 'react';
import { Link, useSearchParams } from 'react-router';
import { fetchFile } from '../api';
import { useAreaName } from '../areas';

import { useGraphqlQuery, useSignedIn } from '../auth';
import { todayInChina } from '../dates';
import { ErrorView } from '../ErrorView';
import {
  HouseholdsDocument,
  type HouseholdsQuery,
  type HouseholdsQueryVariables,
  StatusCountsDocument,
} from '../generated';
import { enumOptions, useWords } from '../i18n';
import { usePurpose } from '../Purpose';
import { StatusTag } from '../StatusTag';

// The area picker (Ant Design's cascader) loads after the roll's first render: the first load is the roll's.
const AreaPicker = lazy(() => import('../AreaPicker'));

const PAGE_SIZE = 20;
type HouseholdRow = HouseholdsQuery['households']['edges'][number]['node'];
type Filter = NonNullable<HouseholdsQueryVariables['filter']>;
const COUNTED = [
  'applicant',
  'registered',
  'returned',
  'exited',
  'unregistered',
  'rejected',
  'removed',
  'decreased',
] as const;

/** The filter as the address bar holds it: back from a household returns to the same page of the same list. */
function filterFrom(params: URLSearchParams): Filter {
  const filter: Filter = {};
  const area = params.get('area');
  if (area) filter.areaCode = area;
  const status = params.getAll('status');
  if (status.length > 0) filter.status = status as NonNullable<Filter['status']>;
  const attribute = params.get('attribute');
  if (attribute) filter.attribute = attribute as Filter['attribute'];
  const cause = params.get('cause');
  if (cause) filter.cause = cause as Filter['cause'];
  const monitored = params.get('monitored');
  if (monitored) filter.monitored = monitored === 'true';
  const helper = params.get('helper');
  if (helper) filter.helperId = helper;
  const text = params.get('text');
  if (text) filter.text = text;
  const openCase = params.get('case');
  if (openCase) filter.openCase = openCase;
  const fewVisits = params.get('fewVisits');
  if (fewVisits && /^\d{4}$/.test(fewVisits)) filter.visitsBelowMinimumIn = Number(fewVisits);
  return filter;
}

/** The workbench's two queries for the address bar's parameters: the page asks them, and so may a prefetch. */
export function workbenchQueries(params: URLSearchParams) {
  const filter = filterFrom(params);
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  return {
    households: [
      HouseholdsDocument,
      before ? { filter, last: PAGE_SIZE, before } : { filter, first: PAGE_SIZE, ...(after ? { after } : {}) },
    ] as const,
    counts: [StatusCountsDocument, filter.areaCode ? { areaCode: filter.areaCode } : {}] as const,
  };
}

/** The clerk's workbench: the households of the area, filtered and paged, with counts by status. */
export function WorkbenchPage() {
  const words = useWords();
  const session = useSignedIn();
  const areaName = useAreaName();
  const { message } = AntApp.useApp();
  const askPurpose = usePurpose();
  const [params, setParams] = useSearchParams();
  const filter = filterFrom(params);
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  const queries = workbenchQueries(params);
  const households = useGraphqlQuery(...queries.households, { placeholderData: (previous) => previous });
  const counts = useGraphqlQuery(...queries.counts);
  const scope = session.claims.area;

  // The office's file: the area's whole roll today (the registry as of today, Chinese headers,
  // names and labels), from the API's snapshot export.
  const downloadRoll = async (areaCode: string) => {
    // Names and ID numbers of a whole area: a bulk read, its purpose stated and recorded.
    const purpose = await askPurpose();
    if (purpose === undefined) return;
    try {
      const today = todayInChina().format('YYYY-MM-DD');
      const query = new URLSearchParams({ areaCode, effectiveOn: today, format: 'xlsx', purpose });
      const blob = await fetchFile(session, `/export/snapshot?${query}`);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `贫困户名册-${areaName(areaCode)}-${today}.xlsx`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      message.error(error instanceof Error ? error.message : String(error));
    }
  };

  const update = (changes: Record<string, string | string[] | undefined>) => {
    const next = new URLSearchParams(params);
    next.delete('after');
    next.delete('before');
    for (const [key, value] of Object.entries(changes)) {
      next.delete(key);
      for (const v of Array.isArray(value) ? value : value ? [value] : []) next.append(key, v);
    }
    setParams(next);
  };
  const page = (cursor: { after?: string | null; before?: string | null }) => {
    const next = new URLSearchParams(params);
    next.delete('after');
    next.delete('before');
    if (cursor.after) next.set('after', cursor.after);
    if (cursor.before) next.set('before', cursor.before);
    setParams(next);
  };

  const columns = [
    {
      title: words.t('cardNumber'),
      key: 'card',
      width: 170,
      ellipsis: true,
      render: (_: unknown, row: HouseholdRow) => <Link to={`/households/${row.id}`}>{row.cardNumber ?? '—'}</Link>,
    },
    {
      title: words.t('head'),
      key: 'head',
      width: 100,
      ellipsis: true,
      render: (_: unknown, row: HouseholdRow) => {
        const name = row.members.find((m) => m.memberId === row.headMemberId)?.name ?? row.members[0]?.name ?? '—';
        return (
          <Link to={`/households/${row.id}`} title={name}>
            {name}
          </Link>
        );
      },
    },
    {
      title: words.t('village'),
      key: 'village',
      width: 110,
      ellipsis: true,
      render: (_: unknown, row: HouseholdRow) => (
        <span title={areaName(row.villageCode)} data-testid="roll-village">
          {areaName(row.villageCode)}
        </span>
      ),
    },
    {
      title: words.t('status'),
      key: 'status',
      width: 96,
      render: (_: unknown, row: HouseholdRow) => <StatusTag status={row.status} />,
    },
    {
      title: words.t('attribute'),
      key: 'attr',
      width: 110,
      ellipsis: true,
      render: (_: unknown, row: HouseholdRow) => words.label('HouseholdAttribute', row.attribute),
    },
    {
      title: words.t('mainCause'),
      key: 'cause',
      width: 100,
      ellipsis: true,
      render: (_: unknown, row: HouseholdRow) => words.label('PovertyCause', row.mainCause),
    },
    { title: words.t('memberCount'), dataIndex: 'memberCount', key: 'members', width: 80 },
    {
      title: words.t('helper'),
      key: 'helper',
      width: 90,
      ellipsis: true,
      render: (_: unknown, row: HouseholdRow) => row.helper?.name ?? '—',
    },
    {
      title: words.t('monitoring'),
      key: 'monitored',
      width: 100,
      render: (_: unknown, row: HouseholdRow) =>
        row.monitored ? <Tag color="orange">{words.t('monitored')}</Tag> : null,
    },
    {
      title: words.t('openCase'),
      key: 'case',
      width: 200,
      ellipsis: true,
      render: (_: unknown, row: HouseholdRow) =>
        row.openCase ? (
          <span
            title={`${words.step(row.openCase.kind)} · ${words.step(row.openCase.step)}${
              row.openCase.noticeClosesOn
                ? ` (${words.t('noticeUntil')} ${words.date(row.openCase.noticeClosesOn)})`
                : ''
            }`}
          >
            {words.step(row.openCase.kind)} · {words.step(row.openCase.step)}
            {row.openCase.noticeClosesOn && (
              <Typography.Text type="secondary">
                {' '}
                ({words.t('noticeUntil')} {words.date(row.openCase.noticeClosesOn)})
              </Typography.Text>
            )}
          </span>
        ) : null,
    },
  ];

  const connection = households.data?.households;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Row gutter={[12, 12]} data-testid="status-counts">
        {COUNTED.map((status) => (
          <Col key={status} xs={12} sm={8} md={6} lg={3}>
            <Card
              size="small"
              hoverable
              onClick={() => update({ status })}
              data-testid={`count-${status}`}
              style={filter.status?.length === 1 && filter.status[0] === status ? { borderColor: '#c8161d' } : {}}
            >
              <Statistic
                title={words.label('HouseholdStatus', status)}
                value={counts.data ? counts.data[status].totalCount : '—'}
              />
            </Card>
          </Col>
        ))}
      </Row>
      {counts.error && <ErrorView error={counts.error} retry={() => counts.refetch()} />}
      <Card
        size="small"
        title={words.t('filters')}
        extra={
          <Space>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => downloadRoll(filter.areaCode ?? scope ?? '')}
              disabled={!(filter.areaCode ?? scope)}
              data-testid="roll-xlsx"
            >
              {words.t('rollXlsx')}
            </Button>
            {(filter.openCase || filter.visitsBelowMinimumIn) && (
              <Tag
                closable
                color="red"
                onClose={() => update({ case: undefined, fewVisits: undefined })}
                data-testid="queue-filter"
              >
                {filter.openCase
                  ? filter.openCase
                      .split(':')
                      .map((part) => words.step(part))
                      .join(' · ')
                  : words.t('queueFewVisits', { year: filter.visitsBelowMinimumIn ?? '' })}
              </Tag>
            )}
          </Space>
        }
      >
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label={words.t('area')}>
            <Suspense
              fallback={
                <Select disabled style={{ width: 240 }} placeholder={scope ? areaName(scope) : words.t('any')} />
              }
            >
              <AreaPicker
                style={{ width: 240 }}
                value={filter.areaCode ?? undefined}
                onChange={(v) => update({ area: v })}
                placeholder={scope ? areaName(scope) : words.t('any')}
                aria-label={words.t('area')}
                data-testid="filter-area"
              />
            </Suspense>
          </Form.Item>
          <Form.Item label={words.t('status')}>
            <Select
              mode="multiple"
              allowClear
              style={{ minWidth: 200 }}
              value={filter.status ?? []}
              options={enumOptions('HouseholdStatus', words.language)}
              onChange={(v: string[]) => update({ status: v })}
              aria-label={words.t('status')}
              data-testid="filter-status"
            />
          </Form.Item>
          <Form.Item label={words.t('attribute')}>
            <Select
              allowClear
              style={{ width: 160 }}
              value={filter.attribute ?? undefined}
              options={enumOptions('HouseholdAttribute', words.language)}
              onChange={(v?: string) => update({ attribute: v })}
              aria-label={words.t('attribute')}
            />
          </Form.Item>
          <Form.Item label={words.t('cause')}>
            <Select
              allowClear
              style={{ width: 160 }}
              value={filter.cause ?? undefined}
              options={enumOptions('PovertyCause', words.language)}
              onChange={(v?: string) => update({ cause: v })}
              aria-label={words.t('cause')}
            />
          </Form.Item>
          <Form.Item label={words.t('monitoring')}>
            <Select
              allowClear
              style={{ width: 120 }}
              value={params.get('monitored') ?? undefined}
              options={[
                { value: 'true', label: words.t('monitored') },
                { value: 'false', label: words.t('notMonitored') },
              ]}
              onChange={(v?: string) => update({ monitored: v })}
              aria-label={words.t('monitoring')}
            />
          </Form.Item>
          <Form.Item label={words.t('helperId')}>
            <Input.Search
              allowClear
              style={{ width: 180 }}
              defaultValue={filter.helperId ?? ''}
              onSearch={(v) => update({ helper: v.trim() || undefined })}
              aria-label={words.t('helperId')}
            />
          </Form.Item>
          <Form.Item>
            <Input.Search
              allowClear
              style={{ width: 320 }}
              defaultValue={filter.text ?? ''}
              placeholder={session.claims.role === 'assessor' ? words.t('searchMasked') : words.t('search')}
              onSearch={(v) => update({ text: v.trim() || undefined })}
              aria-label={words.t('search')}
              data-testid="filter-text"
            />
          </Form.Item>
          <Form.Item>
            <Button onClick={() => setParams(new URLSearchParams())}>{words.t('reset')}</Button>
          </Form.Item>
        </Form>
      </Card>
      {households.error ? (
        <ErrorView error={households.error} retry={() => households.refetch()} />
      ) : (
        <Table<HouseholdRow>
          data-testid="households"
          rowKey="id"
          size="middle"
          tableLayout="fixed"
          scroll={{ x: 1150 }}
          loading={households.isFetching}
          columns={columns}
          dataSource={connection?.edges.map((e) => e.node) ?? []}
          pagination={false}
          footer={() => (
            <Space style={{ width: '100%', justifyContent: 'space-between' }}>
              <span data-testid="total">{words.t('total', { n: connection?.totalCount ?? 0 })}</span>
              <Space>
                <Button
                  disabled={!(before ? connection?.pageInfo.hasPreviousPage : after)}
                  onClick={() => page({ before: connection?.pageInfo.startCursor })}
                >
                  {words.t('previous')}
                </Button>
                <Button
                  disabled={!(before ? true : connection?.pageInfo.hasNextPage)}
                  onClick={() => page({ after: connection?.pageInfo.endCursor })}
                  data-testid="next-page"
                >
                  {words.t('next')}
                </Button>
              </Space>
            </Space>
          )}
        />
      )}
    </Space>
  );
}
