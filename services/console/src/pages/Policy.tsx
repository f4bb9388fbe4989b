import { DUTY_LABELS, LEVEL_LABELS } from '@registry/schema/messages';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Space, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useAreaName } from '../areas';
import { useGraphqlMutation, useGraphqlQuery, useSignedIn } from '../auth';
import { afterToday } from '../dates';
import { ErrorView } from '../ErrorView';
import { PolicyVersionsDocument, type PolicyVersionsQuery, RecordPolicyVersionDocument } from '../generated';
import { useWords } from '../i18n';

type Version = PolicyVersionsQuery['policyVersions'][number];

/**
 * 政策参数: the policy versions on record (income lines, notice days, visit minimum, which level
 * records each step, exit thresholds), each in force from its date; every rule reads the version
 * in force on a command's effective date. The province's admins record a new version here,
 * starting from the one in force.
 */
export function PolicyPage() {
  const words = useWords();
  const session = useSignedIn();
  const versions = useGraphqlQuery(PolicyVersionsDocument, {});
  const list = versions.data?.policyVersions ?? [];
  const today = dayjs().format('YYYY-MM-DD');
  const inForce = list.filter((v) => v.effectiveFrom <= today).at(-1) ?? list[0];
  const [editing, setEditing] = useState(false);
  const canRecord = session.claims.role === 'admin' && !session.claims.area;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="policy">
      <Card
        size="small"
        title={words.t('policy')}
        extra={
          canRecord &&
          inForce && (
            <Button type="primary" onClick={() => setEditing(true)} data-testid="policy-new">
              {words.t('policyNew')}
            </Button>
          )
        }
      >
        {versions.error && <ErrorView error={versions.error} retry={() => versions.refetch()} />}
        <Table<Version>
          rowKey="id"
          size="small"
          loading={versions.isFetching}
          dataSource={[...list].reverse()}
          pagination={false}
          expandable={{ expandedRowRender: (v) => <VersionDetail version={v} /> }}
          columns={[
            {
              title: words.t('policyVersion'),
              render: (_, v) => (
                <Space>
                  <span>{v.id}</span>
                  {v === inForce && <Tag color="green">{words.t('policyInForce')}</Tag>}
                </Space>
              ),
            },
            { title: words.t('effectiveFrom'), render: (_, v) => words.date(v.effectiveFrom) },
            { title: words.t('noticeDays'), dataIndex: 'noticeDays' },
            { title: words.t('minVisits'), dataIndex: 'minVisitsPerYear' },
            {
              title: words.t('exitThresholds'),
              render: (_, v) =>
                `${percent(v.areaExitIncidence.standard)}（${words.t('westShort')} ${percent(v.areaExitIncidence.west)}）`,
            },
            { title: words.t('reason'), dataIndex: 'reason' },
            { title: words.t('recordedBy'), render: (_, v) => `${v.recordedBy} · ${words.dateTime(v.recordedAt)}` },
          ]}
        />
      </Card>
      {editing && inForce && <NewVersion base={inForce} onDone={() => setEditing(false)} />}
    </Space>
  );
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

function VersionDetail({ version }: { version: Version }) {
  const words = useWords();
  const lang = words.language;
  const areaName = useAreaName();
  // A province's line is recorded by its 2-digit code (32): read as the province's name (江苏省).
  const province = (code: string) => areaName(code.padEnd(12, '0'));
  return (
    <Descriptions size="small" column={1} bordered>
      <Descriptions.Item label={words.t('incomeLines')}>
        {version.incomeLines.map((l) => `${l.year}：${words.yuan(l.lineFen)}`).join('；')}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('provincialLines')}>
        {version.provincialIncomeLines
          .map((l) => `${province(l.province)} ${l.year}：${words.yuan(l.lineFen)}`)
          .join('；') || '—'}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('dutyLevels')}>
        <Space wrap size={4}>
          {version.dutyLevels.map((d) => (
            <Tag key={d.duty}>
              {DUTY_LABELS[d.duty]?.[lang] ?? d.duty}：{d.levels.map((l) => LEVEL_LABELS[l]?.[lang] ?? l).join('、')}
            </Tag>
          ))}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={words.t('monitoringRegime')}>
        {version.monitoring ? (
          <Descriptions size="small" column={1} data-testid="policy-monitoring">
            <Descriptions.Item label={words.t('monitoringFrom')}>
              {words.date(version.monitoring.from)}
            </Descriptions.Item>
            <Descriptions.Item label={words.t('monitoringStandards')}>
              {version.monitoring.standards.map((l) => `${l.year}：${words.yuan(l.standardFen)}`).join('；') || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={words.t('provincialMonitoringStandards')}>
              {version.monitoring.provincialStandards
                .map((l) => `${province(l.province)} ${l.year}：${words.yuan(l.standardFen)}`)
                .join('；') || '—'}
            </Descriptions.Item>
            <Descriptions.Item label={words.t('monitoringDays')}>
              {words.t('monitoringDaysText', {
                verification: version.monitoring.verificationDays,
                identification: version.monitoring.identificationDays,
                months: version.monitoring.eliminationMinMonths,
              })}
            </Descriptions.Item>
          </Descriptions>
        ) : (
          words.t('noMonitoring')
        )}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('separateDuties')}>
        {version.separateDuties
          .map((p) => `${DUTY_LABELS[p.first]?.[lang] ?? p.first} ≠ ${DUTY_LABELS[p.second]?.[lang] ?? p.second}`)
          .join('；') || '—'}
      </Descriptions.Item>
    </Descriptions>
  );
}

interface Values {
  id: string;
  description: string;
  effectiveFrom: Dayjs;
  reason: string;
  noticeDays: number;
  minVisitsPerYear: number;
  standard: number;
  west: number;
  lines: Record<string, number>;
}

/** A new version, starting from the one in force: what is not changed here stays as it is. */
function NewVersion({ base, onDone }: { base: Version; onDone: () => void }) {
  const words = useWords();
  const record = useGraphqlMutation(RecordPolicyVersionDocument);
  const [refusal, setRefusal] = useState<string>();
  const nextYear = Math.max(...base.incomeLines.map((l) => l.year)) + 1;
  const years = [...base.incomeLines.map((l) => l.year), nextYear];
  const submit = async (v: Values) => {
    setRefusal(undefined);
    const outcome = (
      await record.mutateAsync({
        commandId: crypto.randomUUID(),
        input: {
          id: v.id.trim(),
          description: v.description.trim(),
          effectiveFrom: v.effectiveFrom.format('YYYY-MM-DD'),
          reason: v.reason.trim(),
          noticeDays: v.noticeDays,
          minVisitsPerYear: v.minVisitsPerYear,
          areaExitIncidence: { standard: v.standard / 100, west: v.west / 100 },
          incomeLines: years
            .filter((y) => v.lines[y] !== undefined && v.lines[y] !== null)
            .map((year) => ({ year, lineFen: Math.round(Number(v.lines[year]) * 100) })),
          provincialIncomeLines: base.provincialIncomeLines.map(({ province, year, lineFen }) => ({
            province,
            year,
            lineFen,
          })),
          dutyLevels: base.dutyLevels.map(({ duty, levels }) => ({ duty, levels })),
          separateDuties: base.separateDuties.map(({ first, second }) => ({ first, second })),
          // The monitoring regime goes on as in force: a version leaves out only what it means to.
          ...(base.monitoring
            ? {
                monitoring: {
                  from: base.monitoring.from,
                  standards: base.monitoring.standards.map(({ year, standardFen }) => ({ year, standardFen })),
                  provincialStandards: base.monitoring.provincialStandards.map(({ province, year, standardFen }) => ({
                    province,
                    year,
                    standardFen,
                  })),
                  verificationDays: base.monitoring.verificationDays,
                  identificationDays: base.monitoring.identificationDays,
                  eliminationMinMonths: base.monitoring.eliminationMinMonths,
                },
              }
            : {}),
        },
      })
    ).recordPolicyVersion;
    if (outcome.__typename === 'PolicyVersionSuccess') onDone();
    else setRefusal(outcome.localizedMessage);
  };
  return (
    <Card size="small" title={words.t('policyNew')} data-testid="policy-form">
      <Form<Values>
        layout="vertical"
        onFinish={(v) => submit(v).catch((error) => setRefusal(String(error)))}
        initialValues={{
          id: '',
          description: base.description,
          effectiveFrom: dayjs(),
          noticeDays: base.noticeDays,
          minVisitsPerYear: base.minVisitsPerYear,
          standard: base.areaExitIncidence.standard * 100,
          west: base.areaExitIncidence.west * 100,
          lines: Object.fromEntries(base.incomeLines.map((l) => [l.year, l.lineFen / 100])),
        }}
      >
        <Space wrap align="start">
          <Form.Item name="id" label={words.t('policyVersion')} rules={[{ required: true }]}>
            <Input placeholder="national-2021" data-testid="policy-id" />
          </Form.Item>
          <Form.Item name="effectiveFrom" label={words.t('effectiveFrom')} rules={[{ required: true }]}>
            <DatePicker disabledDate={afterToday} data-testid="policy-effective" />
          </Form.Item>
          <Form.Item name="noticeDays" label={words.t('noticeDays')} rules={[{ required: true }]}>
            <InputNumber min={1} max={60} data-testid="policy-notice-days" />
          </Form.Item>
          <Form.Item name="minVisitsPerYear" label={words.t('minVisits')} rules={[{ required: true }]}>
            <InputNumber min={0} max={366} />
          </Form.Item>
          <Form.Item name="standard" label={words.t('exitThreshold')} rules={[{ required: true }]}>
            <InputNumber min={0.1} max={50} step={0.5} suffix="%" />
          </Form.Item>
          <Form.Item
            name="west"
            label={`${words.t('exitThreshold')}（${words.t('westShort')}）`}
            rules={[{ required: true }]}
          >
            <InputNumber min={0.1} max={50} step={0.5} suffix="%" />
          </Form.Item>
        </Space>
        <Form.Item label={words.t('incomeLines')}>
          <Space wrap>
            {years.map((year) => (
              <Form.Item key={year} name={['lines', String(year)]} label={year} style={{ marginBottom: 0 }}>
                <InputNumber min={0} precision={2} suffix="元" style={{ width: 140 }} />
              </Form.Item>
            ))}
          </Space>
        </Form.Item>
        <Form.Item name="description" label={words.t('description')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="reason" label={words.t('policyReason')} rules={[{ required: true }]}>
          <Input data-testid="policy-reason" />
        </Form.Item>
        {refusal && <Alert type="error" showIcon title={refusal} data-testid="policy-refusal" />}
        <Space>
          <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="policy-submit">
            {words.t('submit')}
          </Button>
          <Button onClick={onDone}>{words.t('cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}
