import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import {
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { openPrintable } from '../api';
import { useAreaName, useUnitName } from '../areas';
import { useGraphqlQuery, useSignedIn } from '../auth';
import { afterToday } from '../dates';
import { ErrorView } from '../ErrorView';
import { HouseholdAsOfDocument, HouseholdDocument, type StateFactsFragment } from '../generated';
import { useWords } from '../i18n';
import { NextSteps } from '../NextSteps';
import { StatusTag } from '../StatusTag';
import { CAN } from '../session';

type Entry = NonNullable<import('../generated').HouseholdQuery['household']>['timeline'][number];
type Facts = StateFactsFragment;

const CONDITIONS = [
  ['food', 'food'],
  ['clothing', 'clothing'],
  ['compulsoryEducation', 'compulsory_education'],
  ['basicMedical', 'basic_medical'],
  ['safeHousing', 'safe_housing'],
  ['safeDrinkingWater', 'safe_drinking_water'],
] as const;

/** One household: its facts, members, assessments, measures, visits, history and as-of view. */
export function HouseholdPage() {
  const { id = '' } = useParams();
  const words = useWords();
  const session = useSignedIn();
  const { message } = AntApp.useApp();
  // After a command, the page reads the household once the read models include it.
  const [waitFor, setWaitFor] = useState<string | undefined>(
    (useLocation().state as { waitFor?: string } | null)?.waitFor,
  );
  const household = useGraphqlQuery(HouseholdDocument, waitFor ? { id, waitFor } : { id }, {
    placeholderData: (previous) => previous,
  });
  if (household.error) return <ErrorView error={household.error} retry={() => household.refetch()} />;
  if (household.isPending) return <Spin />;
  const h = household.data.household;
  if (!h) return <Empty description={words.t('notFound')} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space>
        <Link to="/">
          <ArrowLeftOutlined /> {words.t('back')}
        </Link>
      </Space>
      <Card
        title={
          <Space>
            <span data-testid="card-number">{h.cardNumber ?? words.t('none')}</span>
            <StatusTag status={h.status} />
            {h.monitored && <Tag color="orange">{words.t('monitored')}</Tag>}
          </Space>
        }
        extra={<PrintButtons household={h} id={h.id} />}
      >
        <FactsView facts={h} />
      </Card>
      {CAN.command(session.claims.role) && (
        <Card size="small" title={words.t('nextSteps')}>
          <NextSteps
            household={h}
            onDone={(position) => {
              message.success(words.t('done'));
              setWaitFor(position);
            }}
          />
        </Card>
      )}
      <Card>
        <Tabs
          items={[
            { key: 'members', label: words.t('members'), children: <MembersView facts={h} /> },
            { key: 'assessments', label: words.t('assessments'), children: <AssessmentsView facts={h} /> },
            { key: 'measures', label: words.t('measures'), children: <MeasuresView facts={h} /> },
            { key: 'visits', label: words.t('visits'), children: <VisitsView facts={h} /> },
            { key: 'alerts', label: words.t('alerts'), children: <AlertsView facts={h} /> },
            { key: 'history', label: words.t('history'), children: <HistoryView timeline={h.timeline} /> },
            { key: 'as-of', label: words.t('asOf'), children: <AsOfView id={h.id} /> },
          ]}
        />
      </Card>
    </Space>
  );
}

/** The household's paper: its 明白卡, and the 公示 notice it is in while one is open. */
function PrintButtons({ household, id }: { household: Facts; id: string }) {
  const words = useWords();
  const session = useSignedIn();
  const { message } = AntApp.useApp();
  const open = (path: string) => openPrintable(session, path).catch((error) => message.error(String(error)));
  const level = household.openCase?.noticeLevel;
  const village = household.villageCode;
  const noticeArea =
    village && (level === 'village' ? village : level === 'township' ? `${village.slice(0, 9)}000` : null);
  return (
    <Space>
      {noticeArea && (
        <Button
          icon={<PrinterOutlined />}
          onClick={() => open(`/print/notice?areaCode=${noticeArea}`)}
          data-testid="print-notice"
        >
          {words.t('printNotice')}
        </Button>
      )}
      <Button icon={<PrinterOutlined />} onClick={() => open(`/print/household/${id}`)} data-testid="print-card">
        {words.t('printCard')}
      </Button>
    </Space>
  );
}

function FactsView({ facts }: { facts: Facts }) {
  const words = useWords();
  const areaName = useAreaName();
  const head = facts.members.find((m) => m.memberId === facts.headMemberId);
  return (
    <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="facts">
      <Descriptions.Item label={words.t('head')}>{head?.name ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={words.t('status')}>
        <StatusTag status={facts.status} />
      </Descriptions.Item>
      <Descriptions.Item label={words.t('attribute')}>
        {words.label('HouseholdAttribute', facts.attribute)}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('mainCause')}>{words.label('PovertyCause', facts.mainCause)}</Descriptions.Item>
      <Descriptions.Item label={words.t('otherCauses')}>
        {facts.otherCauses.map((c) => words.label('PovertyCause', c)).join('、') || '—'}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('village')}>
        {areaName(facts.villageCode)} {facts.group ?? ''}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('address')}>{facts.address ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={words.t('phone')}>{facts.phone ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={words.t('bankAccount')}>{facts.bankAccount ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={words.t('registeredOn')}>{words.date(facts.registeredOn)}</Descriptions.Item>
      <Descriptions.Item label={words.t('helper')}>
        {facts.helper ? `${facts.helper.name}（${facts.helper.unit}）` : '—'}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('monitoring')}>
        {facts.monitoring
          ? `${words.label('MonitoringCategory', facts.monitoring.category)} · ${words.t('since')} ${words.date(facts.monitoring.since)} · ${facts.monitoring.risks.map((r) => words.label('RiskType', r)).join('、')}`
          : '—'}
      </Descriptions.Item>
      <Descriptions.Item label={words.t('openCase')}>
        {facts.openCase
          ? `${words.step(facts.openCase.kind)} · ${words.step(facts.openCase.step)}${
              facts.openCase.noticeClosesOn
                ? `（${words.t('noticeUntil')} ${words.date(facts.openCase.noticeClosesOn)}）`
                : ''
            }`
          : '—'}
      </Descriptions.Item>
      {facts.removedOn && (
        <Descriptions.Item label={words.t('removedOn')}>{words.date(facts.removedOn)}</Descriptions.Item>
      )}
      {facts.decreasedOn && (
        <Descriptions.Item label={words.t('decreasedOn')}>{words.date(facts.decreasedOn)}</Descriptions.Item>
      )}
      {facts.exits.length > 0 && (
        <Descriptions.Item label={words.t('exits')}>
          {facts.exits
            .map((e) => `${e.year}（${words.date(e.exitedOn)}，${words.yuan(e.incomePerCapitaFen)}）`)
            .join('；')}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

function MembersView({ facts }: { facts: Facts }) {
  const words = useWords();
  type M = Facts['members'][number];
  return (
    <Table<M>
      data-testid="members"
      rowKey="memberId"
      size="small"
      pagination={false}
      dataSource={facts.members}
      columns={[
        { title: words.t('name'), dataIndex: 'name' },
        { title: words.t('nationalId'), dataIndex: 'nationalId' },
        { title: words.t('sex'), render: (_, m) => words.label('Sex', m.sex) },
        { title: words.t('birth'), render: (_, m) => (m.birthDate ? words.date(m.birthDate) : m.birthYear) },
        { title: words.t('relation'), render: (_, m) => words.label('Relation', m.relation) },
        { title: words.t('health'), render: (_, m) => words.label('Health', m.health) },
        { title: words.t('labour'), render: (_, m) => words.label('LabourCapacity', m.labourCapacity) },
        { title: words.t('schooling'), render: (_, m) => words.label('Schooling', m.schooling) },
        {
          title: words.t('insurance'),
          render: (_, m) =>
            (['basicMedical', 'seriousIllness', 'pension'] as const)
              .filter((k) => m.insurance[k])
              .map((k) => words.t(k))
              .join('、') || '—',
        },
      ]}
    />
  );
}

function AssessmentsView({ facts }: { facts: Facts }) {
  const words = useWords();
  type A = Facts['assessments'][number];
  return (
    <Table<A>
      rowKey="assessmentId"
      size="small"
      pagination={false}
      dataSource={facts.assessments}
      columns={[
        { title: words.t('year'), dataIndex: 'year' },
        { title: words.t('assessedOn'), render: (_, a) => words.date(a.assessedOn) },
        { title: words.t('income'), render: (_, a) => words.yuan(a.incomePerCapitaFen) },
        {
          title: words.t('conditions'),
          render: (_, a) => (
            <Space size={4} wrap>
              {CONDITIONS.map(([field, criterion]) => (
                <Tag key={field} color={a[field] ? 'green' : 'red'}>
                  {words.label('ExitCriterion', criterion)}
                </Tag>
              ))}
            </Space>
          ),
        },
      ]}
    />
  );
}

function MeasuresView({ facts }: { facts: Facts }) {
  const words = useWords();
  type M = Facts['measures'][number];
  return (
    <>
      {facts.plans.length > 0 && (
        <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }} data-testid="plans">
          {facts.plans.map((p) => (
            <Descriptions.Item key={p.year} label={words.t('planOfYear', { year: p.year })}>
              {p.goal}
              {p.incomeTargetFen !== null && ` · ${words.t('incomeTarget')} ${words.yuan(p.incomeTargetFen)}`}
              {' · '}
              {p.categories.map((c) => words.label('AssistanceCategory', c)).join('、')}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      <Table<M>
        rowKey="measureId"
        size="small"
        pagination={false}
        dataSource={facts.measures}
        columns={[
          { title: words.t('year'), dataIndex: 'year' },
          { title: words.t('category'), render: (_, m) => words.label('AssistanceCategory', m.category) },
          { title: words.t('description'), dataIndex: 'description' },
          { title: words.t('source'), render: (_, m) => words.label('FundingSource', m.fundingSource) },
          { title: words.t('planned'), render: (_, m) => words.yuan(m.amountFen) },
          { title: words.t('delivered'), render: (_, m) => words.yuan(m.deliveredFen) },
          { title: words.t('status'), render: (_, m) => words.label('MeasureStatus', m.status) },
        ]}
      />
    </>
  );
}

function VisitsView({ facts }: { facts: Facts }) {
  const words = useWords();
  type V = Facts['visits'][number];
  return (
    <Table<V>
      rowKey="visitId"
      size="small"
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      dataSource={[...facts.visits].reverse()}
      columns={[
        { title: words.t('visitedOn'), render: (_, v) => words.date(v.visitedOn) },
        { title: words.t('helperId'), dataIndex: 'helperId' },
        { title: words.t('notes'), dataIndex: 'notes' },
      ]}
    />
  );
}

/** 风险预警 on the household, latest first: channel, risks, deadline (overdue in red) and outcome. */
function AlertsView({ facts }: { facts: Facts }) {
  const words = useWords();
  type A = Facts['alerts'][number];
  return (
    <Table<A>
      rowKey="alertId"
      size="small"
      data-testid="household-alerts"
      pagination={{ pageSize: 10, hideOnSinglePage: true }}
      dataSource={[...facts.alerts].reverse()}
      columns={[
        { title: words.t('alertRaisedOn'), render: (_, a) => words.date(a.raisedOn) },
        {
          title: words.t('alertChannel'),
          render: (_, a) =>
            a.department
              ? `${words.label('AlertChannel', a.channel)}（${words.label('AlertDepartment', a.department)}）`
              : words.label('AlertChannel', a.channel),
        },
        { title: words.t('alertRisks'), render: (_, a) => a.risks.map((r) => words.label('RiskType', r)).join('、') },
        { title: words.t('alertDetail'), dataIndex: 'detail' },
        {
          title: words.t('alertVerifyBy'),
          render: (_, a) => (
            <Space size={4}>
              <span>{words.date(a.verifyBy)}</span>
              {a.overdue && <Tag color="red">{words.t('alertsOverdue')}</Tag>}
            </Space>
          ),
        },
        {
          title: words.t('alertOutcome'),
          render: (_, a) =>
            a.verification
              ? `${words.label('AlertOutcome', a.verification.outcome)}（${words.date(a.verification.verifiedOn)}）`
              : words.t('alertNotVerified'),
        },
      ]}
    />
  );
}

/** Every event with who, both clocks and why, and the household as it stood after it. */
function HistoryView({ timeline }: { timeline: Entry[] }) {
  const unitName = useUnitName();
  const words = useWords();
  return (
    <Timeline
      data-testid="timeline"
      items={timeline.map(({ event, state }) => ({
        key: event.id,
        color: event.type === 'EventCorrected' ? 'orange' : 'blue',
        content: (
          <div data-testid="timeline-entry">
            <Typography.Text strong>{words.event(event.type)}</Typography.Text>{' '}
            <Typography.Text type="secondary">#{event.revision}</Typography.Text>
            <div>
              {words.t('effectiveAt')} {words.date(event.effectiveAt)} · {words.t('recordedAt')}{' '}
              {words.dateTime(event.recordedAt)}
            </div>
            <div>
              {words.t('actor')} {words.label('Role', event.actor.role)} {unitName(event.actor.unit)}（{event.actor.id}
              ）
            </div>
            {event.reason && (
              <div>
                {words.t('reason')}：{event.reason}
              </div>
            )}
            <div>
              <Typography.Text type="secondary">{words.t('after')}：</Typography.Text>
              <StatusTag status={state.status} />
              {state.cardNumber && <span>{state.cardNumber} · </span>}
              {state.openCase && (
                <span>
                  {words.step(state.openCase.kind)} · {words.step(state.openCase.step)} ·{' '}
                </span>
              )}
              <span>
                {words.t('memberCount')} {state.memberCount}
                {state.helper && ` · ${words.t('helper')} ${state.helper.name}`}
              </span>
            </div>
          </div>
        ),
      }))}
    />
  );
}

/** The household as effective on a business date, as known at a system time. */
function AsOfView({ id }: { id: string }) {
  const words = useWords();
  const [asked, setAsked] = useState<{ effectiveOn: string; knownAt?: string }>();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Form
        layout="inline"
        onFinish={(v: { effectiveOn: Dayjs; knownAt?: Dayjs }) =>
          setAsked({
            effectiveOn: v.effectiveOn.format('YYYY-MM-DD'),
            ...(v.knownAt ? { knownAt: v.knownAt.toISOString() } : {}),
          })
        }
      >
        <Form.Item name="effectiveOn" label={words.t('effectiveOn')} rules={[{ required: true }]}>
          <DatePicker data-testid="as-of-date" />
        </Form.Item>
        <Form.Item name="knownAt" label={words.t('knownAt')} tooltip={words.t('knownAtHelp')}>
          <DatePicker showTime disabledDate={afterToday} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {words.t('show')}
        </Button>
      </Form>
      {asked && <AsOfResult id={id} {...asked} />}
    </Space>
  );
}

function AsOfResult({ id, effectiveOn, knownAt }: { id: string; effectiveOn: string; knownAt?: string }) {
  const result = useGraphqlQuery(HouseholdAsOfDocument, { id, effectiveOn, ...(knownAt ? { knownAt } : {}) });
  if (result.error) return <ErrorView error={result.error} />;
  if (result.isPending) return <Spin />;
  const state = result.data.household?.asOf;
  return state ? (
    <div data-testid="as-of-result">
      <FactsView facts={state} />
      <MembersView facts={state} />
    </div>
  ) : null;
}
