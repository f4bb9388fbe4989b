import { Alert, Button, Checkbox, Form, Input, InputNumber, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useAreaName } from '../areas';
import { useGraphqlMutation } from '../auth';
import { RecordFindingDocument, type Stratum, type Verdict } from '../generated';
import { useWords } from '../i18n';

const VERDICTS: Record<Stratum, Verdict[]> = {
  exited: ['correctly_exited', 'wrongly_exited'],
  registered: ['correctly_registered', 'wrongly_included'],
  outside: ['omitted', 'not_poor'],
};
const CONDITIONS = [
  'food',
  'clothing',
  'compulsoryEducation',
  'basicMedical',
  'safeHousing',
  'safeDrinkingWater',
] as const;
const CONDITION_LABELS: Record<(typeof CONDITIONS)[number], { zh: string; en: string }> = {
  food: { zh: '不愁吃', en: 'food' },
  clothing: { zh: '不愁穿', en: 'clothing' },
  compulsoryEducation: { zh: '义务教育有保障', en: 'compulsory schooling' },
  basicMedical: { zh: '基本医疗有保障', en: 'basic medical care' },
  safeHousing: { zh: '住房安全有保障', en: 'safe housing' },
  safeDrinkingWater: { zh: '饮水安全', en: 'safe drinking water' },
};

/** Whom the finding is about: a household drawn from the registry, or one found outside it. */
export type FindingTarget =
  | { kind: 'sampled'; householdId: string; stratum: 'exited' | 'registered'; title: string; surveyed: boolean }
  | { kind: 'outside'; villages: string[] };

interface Values {
  verdict: Verdict;
  income: number;
  conditions: string[];
  approves: 'yes' | 'no' | 'unasked';
  notes?: string;
  reason?: string;
  villageCode?: string;
  label?: string;
  headName?: string;
  headNationalId?: string;
  people?: number;
}

/** The on-site finding form: income, 两不愁三保障, the verdict (those that fit the stratum), approval. */
export function FindingForm({
  assessmentId,
  target,
  onDone,
}: {
  assessmentId: string;
  target: FindingTarget;
  onDone: () => void;
}) {
  const words = useWords();
  const areaName = useAreaName();
  const record = useGraphqlMutation(RecordFindingDocument);
  const [refusal, setRefusal] = useState<string>();
  const stratum: Stratum = target.kind === 'sampled' ? target.stratum : 'outside';
  const submit = async (v: Values) => {
    setRefusal(undefined);
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    try {
      const answer = await record.mutateAsync({
        commandId: crypto.randomUUID(),
        input: {
          assessmentId,
          surveyedOn: today,
          ...(target.kind === 'sampled'
            ? { householdId: target.householdId }
            : {
                outside: {
                  villageCode: v.villageCode ?? '',
                  label: v.label ?? '',
                  people: v.people ?? 1,
                  ...(v.headName ? { headName: v.headName } : {}),
                  ...(v.headNationalId ? { headNationalId: v.headNationalId } : {}),
                },
              }),
          incomePerCapitaFen: Math.round(v.income * 100),
          conditions: Object.fromEntries(CONDITIONS.map((c) => [c, v.conditions.includes(c)])) as Record<
            (typeof CONDITIONS)[number],
            boolean
          >,
          verdict: v.verdict,
          approves: v.approves === 'unasked' ? null : v.approves === 'yes',
          ...(v.notes ? { notes: v.notes } : {}),
          ...(v.reason ? { reason: v.reason } : {}),
        },
      });
      const outcome = answer.recordFinding;
      if (outcome.__typename === 'AssessmentSuccess') onDone();
      else setRefusal(outcome.localizedMessage);
    } catch (error) {
      setRefusal(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    }
  };
  return (
    <Modal
      open
      title={target.kind === 'sampled' ? `${words.t('recordFinding')} · ${target.title}` : words.t('outsideHouseholds')}
      onCancel={onDone}
      footer={null}
      destroyOnHidden
    >
      <Form<Values>
        layout="vertical"
        onFinish={submit}
        data-testid="finding-form"
        initialValues={{
          conditions: [...CONDITIONS],
          approves: 'yes',
          villageCode: target.kind === 'outside' ? target.villages[0] : undefined,
          people: 1,
        }}
      >
        {target.kind === 'outside' && (
          <>
            <Form.Item name="villageCode" label={words.t('village')} rules={[{ required: true }]}>
              <Select options={target.villages.map((v) => ({ value: v, label: areaName(v) }))} />
            </Form.Item>
            <Form.Item name="label" label={words.t('outsideLabel')} rules={[{ required: true }]}>
              <Input data-testid="finding-label" />
            </Form.Item>
            <Form.Item name="headName" label={words.t('head')}>
              <Input />
            </Form.Item>
            <Form.Item name="headNationalId" label={words.t('nationalId')}>
              <Input maxLength={18} data-testid="finding-national-id" />
            </Form.Item>
            <Form.Item name="people" label={words.t('people')} rules={[{ required: true }]}>
              <InputNumber min={1} max={100} data-testid="finding-people" />
            </Form.Item>
          </>
        )}
        <Form.Item name="income" label={words.t('incomeFound')} rules={[{ required: true }]}>
          <InputNumber min={0} step={100} precision={2} style={{ width: 200 }} data-testid="finding-income" />
        </Form.Item>
        <Form.Item name="conditions" label={words.t('conditionsFound')}>
          <Checkbox.Group
            data-testid="finding-conditions"
            options={CONDITIONS.map((c) => ({ value: c, label: CONDITION_LABELS[c][words.language] }))}
          />
        </Form.Item>
        <Form.Item name="verdict" label={words.t('verdict')} rules={[{ required: true }]}>
          <Radio.Group data-testid="finding-verdict">
            {VERDICTS[stratum].map((v) => (
              <Radio.Button key={v} value={v}>
                {words.label('Verdict', v)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="approves" label={words.t('approves')}>
          <Radio.Group>
            <Radio value="yes">{words.t('approvesYes')}</Radio>
            <Radio value="no">{words.t('approvesNo')}</Radio>
            <Radio value="unasked">{words.t('approvesNotAsked')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="notes" label={words.t('notes')}>
          <Input.TextArea rows={2} data-testid="finding-notes" />
        </Form.Item>
        {target.kind === 'sampled' && target.surveyed && (
          <Form.Item name="reason" label={words.t('reasonForNew')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        )}
        {refusal && (
          <Alert type="error" showIcon title={refusal} data-testid="finding-refusal" style={{ marginBottom: 12 }} />
        )}
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="finding-submit">
          {words.t('submit')}
        </Button>
      </Form>
    </Modal>
  );
}
