import { EVENT_LABELS } from '@registry/schema/messages';
import { Button, Card, DatePicker, Descriptions, Form, Input, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { AreaPicker } from '../AreaPicker';
import { useAreaName, useUnitName } from '../areas';
import { useGraphqlQuery } from '../auth';
import { changeLines } from '../changes';
import { ErrorView } from '../ErrorView';
import { AuditTrailDocument, type AuditTrailQuery, type AuditTrailQueryVariables } from '../generated';
import { useWords } from '../i18n';

const PAGE_SIZE = 50;
type Entry = AuditTrailQuery['auditTrail']['edges'][number]['node'];
type Filter = NonNullable<AuditTrailQueryVariables['filter']>;

/** The audit trail explorer: every event, newest first, by actor, area, event type and recorded time; each event's fields as labelled lines. */
export function AuditPage() {
  const words = useWords();
  const areaName = useAreaName();
  const unitName = useUnitName();
  const [params, setParams] = useSearchParams();
  const filter: Filter = {};
  for (const key of ['actorId', 'areaCode', 'eventType', 'householdId', 'recordedFrom', 'recordedTo'] as const) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  // Newest first: the last page of the log unless the reader has paged; a page's rows are shown
  // the other way round. "Older" pages back (before), "newer" forward (after).
  const trail = useGraphqlQuery(
    AuditTrailDocument,
    after ? { filter, first: PAGE_SIZE, after } : { filter, last: PAGE_SIZE, ...(before ? { before } : {}) },
    { placeholderData: (previous) => previous },
  );
  const update = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    next.delete('after');
    next.delete('before');
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };
  const connection = trail.data?.auditTrail;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="audit">
      <Card size="small" title={words.t('auditTrail')}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label={words.t('actorId')}>
            <Input.Search
              allowClear
              defaultValue={filter.actorId ?? ''}
              onSearch={(v) => update({ actorId: v.trim() || undefined })}
              style={{ width: 220 }}
              aria-label={words.t('actorId')}
              data-testid="audit-actor"
            />
          </Form.Item>
          <Form.Item label={words.t('area')}>
            <AreaPicker
              style={{ width: 220 }}
              value={filter.areaCode ?? undefined}
              onChange={(v) => update({ areaCode: v })}
              aria-label={words.t('area')}
              data-testid="audit-area"
            />
          </Form.Item>
          <Form.Item label={words.t('eventType')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              style={{ width: 220 }}
              value={filter.eventType ?? undefined}
              options={Object.entries(EVENT_LABELS).map(([value, text]) => ({ value, label: text[words.language] }))}
              onChange={(v?: string) => update({ eventType: v })}
              aria-label={words.t('eventType')}
              data-testid="audit-type"
            />
          </Form.Item>
          <Form.Item label={words.t('recordedAt')}>
            <DatePicker.RangePicker
              showTime
              value={[
                filter.recordedFrom ? dayjs(filter.recordedFrom) : null,
                filter.recordedTo ? dayjs(filter.recordedTo) : null,
              ]}
              onChange={(range) =>
                update({ recordedFrom: range?.[0]?.toISOString(), recordedTo: range?.[1]?.toISOString() })
              }
            />
          </Form.Item>
          <Form.Item>
            <Button onClick={() => setParams(new URLSearchParams())}>{words.t('reset')}</Button>
          </Form.Item>
        </Form>
      </Card>
      {trail.error ? (
        <ErrorView error={trail.error} retry={() => trail.refetch()} />
      ) : (
        <Table<Entry>
          rowKey="eventId"
          size="small"
          data-testid="audit-entries"
          loading={trail.isFetching}
          dataSource={(connection?.edges.map((e) => e.node) ?? []).reverse()}
          pagination={false}
          expandable={{
            expandedRowRender: (e) => (
              <Descriptions size="small" column={2} bordered data-testid="audit-changes">
                {changeLines(e.changes, words.language, words.yuan).map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines are fixed for an event and may repeat a label
                  <Descriptions.Item key={i} label={line.label}>
                    {line.value}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ),
          }}
          columns={[
            { title: words.t('recordedAt'), render: (_, e) => words.dateTime(e.recordedAt) },
            { title: words.t('effectiveAt'), render: (_, e) => words.date(e.effectiveAt) },
            {
              title: words.t('eventType'),
              render: (_, e) => <span data-testid="audit-type-cell">{words.event(e.eventType)}</span>,
            },
            {
              title: words.t('household'),
              render: (_, e) => (
                <Link to={`/households/${e.householdId}`} data-testid="audit-household">
                  {e.cardNumber ?? `${words.t('notCarded')} ${e.householdId.slice(0, 8)}`}
                </Link>
              ),
            },
            { title: words.t('village'), render: (_, e) => areaName(e.villageCode) },
            {
              title: words.t('actor'),
              render: (_, e) => (
                <span>
                  {words.label('Role', e.actorRole)} {unitName(e.actorUnit)}{' '}
                  <Typography.Text type="secondary">（{e.actorId}）</Typography.Text>
                </span>
              ),
            },
            { title: words.t('reason'), dataIndex: 'reason' },
          ]}
          footer={() => (
            <Space>
              <Button
                disabled={!(after ? connection?.pageInfo.hasNextPage : before)}
                onClick={() =>
                  setParams({ ...Object.fromEntries(params), after: connection?.pageInfo.endCursor ?? '', before: '' })
                }
                data-testid="audit-newer"
              >
                {words.t('newer')}
              </Button>
              <Button
                disabled={!(after ? true : connection?.pageInfo.hasPreviousPage)}
                onClick={() =>
                  setParams({
                    ...Object.fromEntries(params),
                    before: connection?.pageInfo.startCursor ?? '',
                    after: '',
                  })
                }
                data-testid="audit-older"
              >
                {words.t('older')}
              </Button>
            </Space>
          )}
        />
      )}
    </Space>
  );
}
