import { Alert, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { AreaPicker } from '../AreaPicker';
import { forgetAreaName, useAreaFullName } from '../areas';
import { useGraphqlMutation, useGraphqlQuery, useSignedIn } from '../auth';
import { afterToday } from '../dates';
import { ErrorView } from '../ErrorView';
import { DivisionsDocument, type DivisionsQuery, MergeAreaDocument, NameAreaDocument } from '../generated';
import { useWords } from '../i18n';

type Row = DivisionsQuery['areaChildren'][number];
type Change = { kind: 'rename' | 'merge'; area: Row };

/**
 * 区划: the national register of divisions as the registry reads it today, area by area (name,
 * code, whether the name is the register's or recorded since). The province's admins record a
 * renaming (更名, also a code the register lacks) or a merger (撤并) from a date; every name the
 * console, the exports and the reports show follows it from that date.
 */
export function DivisionsPage() {
  const words = useWords();
  const session = useSignedIn();
  const fullName = useAreaFullName();
  const [code, setCode] = useState<string | undefined>(session.claims.area ?? undefined);
  const children = useGraphqlQuery(DivisionsDocument, { code: code ?? null });
  const [change, setChange] = useState<Change>();
  const canRecord = session.claims.role === 'admin' && !session.claims.area;
  const rows = children.data?.areaChildren ?? [];
  const refresh = () => {
    // The names are read from the reference projection, a moment behind the write.
    for (const delay of [300, 1500]) setTimeout(() => children.refetch(), delay);
  };
  return (
    <Card
      size="small"
      title={words.t('divisions')}
      data-testid="divisions"
      extra={
        <Typography.Text type="secondary" data-testid="divisions-edition">
          {children.data?.divisionRegister.edition}
        </Typography.Text>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <span>{words.t('divisionsOf')}</span>
          <AreaPicker
            value={code}
            onChange={(v) => setCode(v ?? session.claims.area ?? undefined)}
            aria-label={words.t('divisionsOf')}
            placeholder={code ? fullName(code) : words.t('divisionsCountry')}
            style={{ width: 360 }}
            data-testid="divisions-area"
          />
        </Space>
        {children.error && <ErrorView error={children.error} retry={() => children.refetch()} />}
        <Table<Row>
          rowKey="code"
          size="small"
          loading={children.isFetching}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          columns={[
            {
              title: words.t('areaNameColumn'),
              render: (_, a) =>
                a.level === 'village' ? (
                  a.name
                ) : (
                  <Button type="link" size="small" onClick={() => setCode(a.code)}>
                    {a.name}
                  </Button>
                ),
            },
            { title: words.t('areaCodeColumn'), dataIndex: 'code', width: 150 },
            {
              title: words.t('nameSource'),
              width: 140,
              render: (_, a) =>
                a.fromRegister ? (
                  <Tag>{words.t('nameFromRegister')}</Tag>
                ) : (
                  <Tag color="blue">{words.t('nameRecorded')}</Tag>
                ),
            },
            ...(canRecord
              ? [
                  {
                    title: '',
                    width: 160,
                    render: (_: unknown, a: Row) => (
                      <Space>
                        <Button
                          size="small"
                          onClick={() => setChange({ kind: 'rename', area: a })}
                          data-testid={`rename-${a.code}`}
                        >
                          {words.t('areaRename')}
                        </Button>
                        <Button
                          size="small"
                          onClick={() => setChange({ kind: 'merge', area: a })}
                          data-testid={`merge-${a.code}`}
                        >
                          {words.t('areaMerge')}
                        </Button>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Space>
      {change && (
        <ChangeForm
          change={change}
          siblings={rows.filter((r) => r.code !== change.area.code)}
          onClose={() => setChange(undefined)}
          onDone={() => {
            forgetAreaName(change.area.code);
            setChange(undefined);
            refresh();
          }}
        />
      )}
    </Card>
  );
}

interface ChangeValues {
  areaName?: string;
  into?: string;
  effectiveAt: Dayjs;
  reason?: string;
}

function ChangeForm(props: { change: Change; siblings: Row[]; onClose: () => void; onDone: () => void }) {
  const words = useWords();
  const rename = useGraphqlMutation(NameAreaDocument);
  const merge = useGraphqlMutation(MergeAreaDocument);
  const [refusal, setRefusal] = useState<string>();
  const [commandId] = useState(() => crypto.randomUUID());
  const { kind, area } = props.change;
  const submit = async (v: ChangeValues) => {
    setRefusal(undefined);
    const common = {
      areaCode: area.code,
      effectiveAt: v.effectiveAt.format('YYYY-MM-DD'),
      ...(v.reason ? { reason: v.reason } : {}),
    };
    try {
      const outcome =
        kind === 'rename'
          ? (await rename.mutateAsync({ commandId, input: { ...common, areaName: v.areaName ?? '' } })).nameArea
          : (await merge.mutateAsync({ commandId, input: { ...common, into: v.into ?? '' } })).mergeArea;
      if (outcome.__typename === 'ReferenceSuccess') props.onDone();
      else setRefusal(outcome.localizedMessage);
    } catch (error) {
      setRefusal(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    }
  };
  return (
    <Modal
      open
      title={`${words.t(kind === 'rename' ? 'areaRename' : 'areaMerge')}：${area.name}（${area.code}）`}
      footer={null}
      onCancel={props.onClose}
    >
      <Form<ChangeValues> layout="vertical" onFinish={submit} data-testid="division-form">
        {kind === 'rename' ? (
          <Form.Item
            name="areaName"
            label={words.t('areaNewName')}
            rules={[{ required: true, message: words.t('required') }]}
          >
            <Input maxLength={40} data-testid="division-name" />
          </Form.Item>
        ) : (
          <Form.Item
            name="into"
            label={words.t('areaMergeInto')}
            rules={[{ required: true, message: words.t('required') }]}
          >
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={props.siblings.map((s) => ({ value: s.code, label: s.name }))}
              data-testid="division-into"
            />
          </Form.Item>
        )}
        <Form.Item
          name="effectiveAt"
          label={words.t('effectiveAt')}
          rules={[{ required: true, message: words.t('required') }]}
        >
          <DatePicker disabledDate={afterToday} data-testid="division-date" />
        </Form.Item>
        <Form.Item name="reason" label={words.t('areaDecision')}>
          <Input maxLength={200} data-testid="division-reason" />
        </Form.Item>
        {refusal && <Alert type="error" showIcon title={refusal} data-testid="division-refusal" />}
        <Button
          type="primary"
          htmlType="submit"
          loading={rename.isPending || merge.isPending}
          data-testid="division-submit"
        >
          {words.t('submit')}
        </Button>
      </Form>
    </Modal>
  );
}
