import {
  Alert,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Space,
  Table,
  Tag,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { AreaPicker } from '../AreaPicker';
import { useAreaName } from '../areas';
import { useGraphqlMutation, useGraphqlQuery, useSignedIn } from '../auth';
import { afterToday, todayInChina } from '../dates';
import {
  AnnounceAreaExitDocument,
  AreaRecordDocument,
  DesignatePoorVillageDocument,
  PoorVillagesTodayDocument,
  ProposeAreaExitDocument,
  ReviewAreaExitDocument,
} from '../generated';
import { useWords } from '../i18n';

type Level = 'province' | 'city' | 'county' | 'township' | 'village';
type Action = 'designate' | 'propose' | 'review' | 'announce';

/** The level a 12-digit code names, by its trailing zeros. */
export function levelOfCode(code: string): Level {
  if (/^\d{2}0{10}$/.test(code)) return 'province';
  if (/^\d{4}0{8}$/.test(code)) return 'city';
  if (/^\d{6}0{6}$/.test(code)) return 'county';
  if (/^\d{9}000$/.test(code)) return 'township';
  return 'village';
}

/**
 * Poor villages (贫困村) and the exits of villages and counties: each area's record and the step
 * the signed-in level may take next (the county designates and approves a village's exit, the
 * township proposes it; the county proposes its own, the province approves it). The API decides;
 * a refusal names what is unmet.
 */
export function AreaExitsPage() {
  const words = useWords();
  const session = useSignedIn();
  const scope = session.claims.area ?? '';
  // The poor villages of the area, and the county itself where the clerk is the county's; any
  // other area (a village to designate) is chosen by name.
  const poor = useGraphqlQuery(
    PoorVillagesTodayDocument,
    { areaCode: scope, effectiveOn: todayInChina().format('YYYY-MM-DD') },
    { enabled: /^\d{12}$/.test(scope) },
  );
  const [chosen, setChosen] = useState<string>();
  const codes = [
    ...new Set([
      ...(chosen ? [chosen] : []),
      ...(scope && levelOfCode(scope) === 'county' ? [scope] : []),
      ...(poor.data?.poorVillages ?? []).map((v) => v.villageCode),
    ]),
  ];
  return (
    <Card title={words.t('areaExits')} data-testid="area-exits">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <AreaPicker
          value={chosen}
          onChange={setChosen}
          placeholder={words.t('areaChoose')}
          aria-label={words.t('areaChoose')}
          style={{ width: 280 }}
          data-testid="area-exits-code"
        />
        <Table
          rowKey={(code) => code}
          size="small"
          pagination={false}
          dataSource={codes}
          columns={[{ title: words.t('area'), render: (_, code: string) => <AreaRow code={code} /> }]}
          showHeader={false}
        />
      </Space>
    </Card>
  );
}

function AreaRow({ code }: { code: string }) {
  const words = useWords();
  const session = useSignedIn();
  const areaName = useAreaName();
  const record = useGraphqlQuery(AreaRecordDocument, { areaCode: code });
  const [action, setAction] = useState<Action>();
  const r = record.data?.areaRecord;
  const viewer: Level = session.claims.area ? levelOfCode(session.claims.area) : 'province';
  const village = levelOfCode(code) === 'village';
  const offered: Action[] = [];
  if (r && !r.exitedOn && ['clerk', 'admin'].includes(session.claims.role)) {
    if (village && r.poorVillageSince === null && viewer === 'county') offered.push('designate');
    if (!r.exitStep && (village ? r.poorVillageSince !== null && viewer === 'township' : viewer === 'county'))
      offered.push('propose');
    const above = village ? 'county' : 'province';
    if (r.exitStep === 'review' && viewer === above) offered.push('review');
    if (r.exitStep === 'announcement' && viewer === above) offered.push('announce');
  }
  return (
    <Space wrap data-testid={`area-row-${code}`}>
      <strong>{areaName(code)}</strong>
      {r?.poorVillageSince != null && (
        <Tag color="gold">{words.t('poorVillageSince', { year: r.poorVillageSince })}</Tag>
      )}
      {r?.exitStep && (
        <Tag color="blue" data-testid="area-step">
          {words.t(r.exitStep === 'review' ? 'exitAwaitsReview' : 'exitAwaitsAnnouncement', { year: r.exitYear ?? '' })}
        </Tag>
      )}
      {r?.exitEvidence && (
        <Tag>
          {words.t('incidenceThen', {
            value: r.exitEvidence.incidence === null ? '—' : `${(r.exitEvidence.incidence * 100).toFixed(2)}%`,
          })}
        </Tag>
      )}
      {r?.exitedOn && (
        <Tag color="green" data-testid="area-exited">
          {words.t('areaExitedOn', { date: words.date(r.exitedOn) })}
        </Tag>
      )}
      {offered.map((a) => (
        <Button key={a} size="small" onClick={() => setAction(a)} data-testid={`area-${a}`}>
          {words.t(`area_${a}`)}
        </Button>
      ))}
      {action && (
        <StepForm
          code={code}
          action={action}
          onDone={() => {
            setAction(undefined);
            record.refetch();
          }}
        />
      )}
    </Space>
  );
}

interface Values {
  effectiveAt: Dayjs;
  year?: number;
  approved?: boolean;
  west?: boolean;
  assessmentId?: string;
  reason?: string;
}

function StepForm({ code, action, onDone }: { code: string; action: Action; onDone: () => void }) {
  const words = useWords();
  const designate = useGraphqlMutation(DesignatePoorVillageDocument);
  const propose = useGraphqlMutation(ProposeAreaExitDocument);
  const review = useGraphqlMutation(ReviewAreaExitDocument);
  const announce = useGraphqlMutation(AnnounceAreaExitDocument);
  const [refusal, setRefusal] = useState<string>();
  const county = levelOfCode(code) === 'county';
  const submit = async (v: Values) => {
    setRefusal(undefined);
    const base = {
      areaCode: code,
      effectiveAt: v.effectiveAt.format('YYYY-MM-DD'),
      ...(v.reason ? { reason: v.reason } : {}),
    };
    const commandId = crypto.randomUUID();
    try {
      const outcome =
        action === 'designate'
          ? (await designate.mutateAsync({ commandId, input: { ...base, year: v.year ?? 0 } })).designatePoorVillage
          : action === 'propose'
            ? (
                await propose.mutateAsync({
                  commandId,
                  input: {
                    ...base,
                    year: v.year ?? 0,
                    west: v.west ?? false,
                    ...(v.assessmentId ? { assessmentId: v.assessmentId } : {}),
                  },
                })
              ).proposeAreaExit
            : action === 'review'
              ? (await review.mutateAsync({ commandId, input: { ...base, approved: v.approved ?? true } }))
                  .reviewAreaExit
              : (await announce.mutateAsync({ commandId, input: base })).announceAreaExit;
      if (outcome.__typename === 'AreaRecordSuccess') onDone();
      else setRefusal(outcome.localizedMessage);
    } catch (error) {
      setRefusal(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    }
  };
  return (
    <Modal open title={words.t(`area_${action}`)} onCancel={onDone} footer={null} destroyOnHidden>
      <Form<Values>
        layout="vertical"
        onFinish={submit}
        data-testid="area-step-form"
        initialValues={{ effectiveAt: dayjs(), year: dayjs().year() - 1, approved: true }}
      >
        <Form.Item name="effectiveAt" label={words.t('effectiveAt')} rules={[{ required: true }]}>
          <DatePicker disabledDate={afterToday} />
        </Form.Item>
        {(action === 'designate' || action === 'propose') && (
          <Form.Item name="year" label={words.t('assessmentYear')} rules={[{ required: true }]}>
            <InputNumber min={2014} max={2100} data-testid="area-year" />
          </Form.Item>
        )}
        {action === 'propose' && (
          <Form.Item name="west" valuePropName="checked">
            <Checkbox>{words.t('west')}</Checkbox>
          </Form.Item>
        )}
        {action === 'propose' && county && (
          <Form.Item name="assessmentId" label={words.t('thirdParty')}>
            <Input placeholder="UUID" />
          </Form.Item>
        )}
        {action === 'review' && (
          <Form.Item name="approved" label={words.t('verdict')}>
            <Radio.Group>
              <Radio value>{words.t('approve')}</Radio>
              <Radio value={false}>{words.t('sendBack')}</Radio>
            </Radio.Group>
          </Form.Item>
        )}
        <Form.Item name="reason" label={words.t('reason')}>
          <Input />
        </Form.Item>
        {refusal && (
          <Alert type="error" showIcon title={refusal} data-testid="area-refusal" style={{ marginBottom: 12 }} />
        )}
        <Button type="primary" htmlType="submit" data-testid="area-submit">
          {words.t('submit')}
        </Button>
      </Form>
    </Modal>
  );
}
