import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { birthDateOfNationalId, sexOfNationalId } from '@registry/schema/national-id';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  Row,
  Segmented,
  Select,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { AreaPicker } from '../AreaPicker';
import { graphql } from '../api';
import { areaLevel } from '../areas';
import { useSignedIn } from '../auth';
import { afterToday } from '../dates';
import { ApplyForRegistrationDocument, type ApplyForRegistrationMutation, RaiseRiskAlertDocument } from '../generated';
import { enumOptions, useWords } from '../i18n';
import { nationalIdRule } from '../NextSteps';

type Refusal = Exclude<ApplyForRegistrationMutation['applyForRegistration'], { __typename: 'CommandSuccess' }>;

interface MemberValues {
  name?: string;
  nationalId?: string;
  relation?: string;
  health?: string;
  labourCapacity?: string;
  schooling?: string;
  insurance?: string[];
}

interface ApplyValues {
  effectiveAt: Dayjs;
  villageCode: string;
  group?: string;
  address: string;
  phone?: string;
  bankAccount?: string;
  statement?: string;
  /** A risk alert on a household not yet on file (from 2021). */
  channel?: string;
  department?: string;
  risks?: string[];
  detail?: string;
  members: MemberValues[];
}

type Mode = 'alert' | 'application';

const INSURANCE = ['basicMedical', 'seriousIllness', 'pension'] as const;

/** Where an issue's path (input.data.members.0.nationalId) is on this form. */
function fieldOf(path: string): (string | number)[] | undefined {
  const parts = path.split('.');
  if (parts[0] !== 'input') return undefined;
  if (parts[1] === 'effectiveAt') return ['effectiveAt'];
  if (parts[1] !== 'data') return undefined;
  if (parts[2] === 'household' && parts[3]) return [parts[3]];
  if (parts[2] === 'members' && parts[3] && parts[4]) return ['members', Number(parts[3]), parts[4]];
  if (parts[2] === 'statement' || parts[2] === 'channel' || parts[2] === 'department' || parts[2] === 'detail')
    return [parts[2]];
  if (parts[2] === 'risks') return ['risks'];
  return undefined;
}

/**
 * 农户申请: a household not yet on file, with its members (ID numbers checked as they are typed):
 * from 2021 recorded with a risk alert (风险预警, the way in under 防返贫动态监测; the default), or,
 * for the years before, as an application for 建档立卡.
 */
export function ApplyPage() {
  const words = useWords();
  const session = useSignedIn();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const mode: Mode = params.get('mode') === 'application' ? 'application' : 'alert';
  const [form] = Form.useForm<ApplyValues>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  // The household's and the command's ids are the client's: a retry after a network failure
  // is the same application, handled once.
  const [ids] = useState(() => ({ householdId: crypto.randomUUID(), commandId: crypto.randomUUID() }));
  const [memberIds] = useState<string[]>([]);
  const scope = session.claims.area ?? '';

  const idRule = nationalIdRule(words);

  const submit = async (values: ApplyValues) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const members = values.members.map((m, index) => {
        memberIds[index] ??= crypto.randomUUID();
        const nationalId = (m.nationalId ?? '').toUpperCase();
        return {
          memberId: memberIds[index] as string,
          name: m.name ?? '',
          nationalId,
          sex: sexOfNationalId(nationalId),
          birthDate: birthDateOfNationalId(nationalId),
          relation: (m.relation ?? 'other') as 'head',
          health: (m.health ?? 'healthy') as 'healthy',
          labourCapacity: (m.labourCapacity ?? 'ordinary') as 'ordinary',
          schooling: (m.schooling ?? 'not_in_school') as 'not_in_school',
          insurance: {
            basicMedical: m.insurance?.includes('basicMedical') ?? false,
            seriousIllness: m.insurance?.includes('seriousIllness') ?? false,
            pension: m.insurance?.includes('pension') ?? false,
          },
        };
      });
      const household = {
        villageCode: values.villageCode,
        address: values.address,
        ...(values.group ? { group: values.group } : {}),
        ...(values.phone ? { phone: values.phone } : {}),
        ...(values.bankAccount ? { bankAccount: values.bankAccount } : {}),
      };
      const envelope = { householdId: ids.householdId, effectiveAt: values.effectiveAt.format('YYYY-MM-DD') };
      const outcome =
        mode === 'alert'
          ? (
              await graphql(session, words.language, RaiseRiskAlertDocument, {
                commandId: ids.commandId,
                expectedVersion: -1,
                input: {
                  ...envelope,
                  data: {
                    channel: (values.channel ?? 'self_report') as 'self_report',
                    ...(values.department ? { department: values.department as 'medical_insurance' } : {}),
                    risks: (values.risks ?? []) as 'illness'[],
                    detail: values.detail ?? '',
                    household,
                    members,
                  },
                },
              })
            ).raiseRiskAlert
          : (
              await graphql(session, words.language, ApplyForRegistrationDocument, {
                commandId: ids.commandId,
                expectedVersion: -1,
                input: {
                  ...envelope,
                  data: { household, members, ...(values.statement ? { statement: values.statement } : {}) },
                },
              })
            ).applyForRegistration;
      if (outcome.__typename === 'CommandSuccess') {
        navigate(`/households/${outcome.householdId}`, { state: { waitFor: outcome.position } });
        return;
      }
      showRefusal(outcome);
    } catch (error) {
      setRefusal(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    } finally {
      setBusy(false);
    }
  };

  const showRefusal = (outcome: Refusal) => {
    setRefusal(outcome.localizedMessage);
    if (outcome.__typename === 'ValidationError') {
      form.setFields(
        outcome.issues.flatMap((issue) => {
          const name = fieldOf(issue.path);
          // The path comes from the API at run time; the form takes any of its own names.
          return name ? [{ name: name as ['statement'], errors: [words.rule(issue.message)] }] : [];
        }),
      );
    }
  };

  return (
    <Card
      title={words.t('apply')}
      data-testid="apply"
      extra={
        <Segmented<Mode>
          value={mode}
          onChange={(next) => setParams({ mode: next })}
          options={[
            { value: 'alert', label: words.t('applyModeAlert') },
            { value: 'application', label: words.t('applyModeApplication') },
          ]}
          data-testid="apply-mode"
        />
      }
    >
      {mode === 'alert' && (
        <Typography.Paragraph type="secondary">{words.t('applyModeAlertHelp')}</Typography.Paragraph>
      )}
      <Form<ApplyValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          effectiveAt: dayjs(),
          villageCode: scope && areaLevel(scope) === 'village' ? scope : undefined,
          members: [{ relation: 'head', insurance: ['basicMedical'] }],
        }}
      >
        <Row gutter={16}>
          <Col xs={24} md={6}>
            <Form.Item
              name="effectiveAt"
              label={words.t(mode === 'alert' ? 'alertRaisedOn' : 'applicationDate')}
              rules={[{ required: true }]}
            >
              <DatePicker disabledDate={afterToday} data-testid="field-effectiveAt" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item
              name="villageCode"
              label={words.t('village')}
              rules={[{ required: true, pattern: /^\d{12}$/, message: words.t('villageCode') }]}
            >
              <AreaPicker village aria-label={words.t('village')} data-testid="field-villageCode" />
            </Form.Item>
          </Col>
          <Col xs={24} md={4}>
            <Form.Item name="group" label={words.t('group')}>
              <Input data-testid="field-group" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="address"
              label={words.t('address')}
              rules={[{ required: true, message: words.t('required') }]}
            >
              <Input data-testid="field-address" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="phone" label={words.t('phone')}>
              <Input data-testid="field-phone" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="bankAccount" label={words.t('bankAccount')}>
              <Input />
            </Form.Item>
          </Col>
          {mode === 'application' && (
            <Col xs={24} md={12}>
              <Form.Item name="statement" label={words.t('statement')}>
                <Input.TextArea rows={1} />
              </Form.Item>
            </Col>
          )}
        </Row>
        {mode === 'alert' && (
          <Row gutter={16}>
            <Col xs={24} md={6}>
              <Form.Item
                name="channel"
                label={words.t('alertChannel')}
                rules={[{ required: true, message: words.t('required') }]}
              >
                <Select options={enumOptions('AlertChannel', words.language)} data-testid="field-channel" />
              </Form.Item>
            </Col>
            <Form.Item noStyle shouldUpdate={(a, b) => a.channel !== b.channel}>
              {({ getFieldValue }) =>
                getFieldValue('channel') === 'department' && (
                  <Col xs={24} md={6}>
                    <Form.Item
                      name="department"
                      label={words.label('AlertChannel', 'department')}
                      rules={[{ required: true, message: words.t('required') }]}
                    >
                      <Select options={enumOptions('AlertDepartment', words.language)} data-testid="field-department" />
                    </Form.Item>
                  </Col>
                )
              }
            </Form.Item>
            <Col xs={24} md={6}>
              <Form.Item
                name="risks"
                label={words.t('alertRisks')}
                rules={[{ required: true, message: words.t('required') }]}
              >
                <Select mode="multiple" options={enumOptions('RiskType', words.language)} data-testid="field-risks" />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="detail"
                label={words.t('alertDetail')}
                rules={[{ required: true, message: words.t('required') }]}
              >
                <Input.TextArea rows={1} data-testid="field-detail" />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Form.List name="members">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  title={`${words.t('member')} ${index + 1}`}
                  data-testid="member"
                  extra={
                    fields.length > 1 && (
                      <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                    )
                  }
                >
                  <Row gutter={12}>
                    <Col xs={24} md={4}>
                      <Form.Item
                        name={[field.name, 'name']}
                        label={words.t('name')}
                        rules={[{ required: true, message: words.t('required') }]}
                      >
                        <Input data-testid="member-name" />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={6}>
                      <Form.Item
                        name={[field.name, 'nationalId']}
                        label={words.t('nationalId')}
                        rules={[idRule]}
                        validateTrigger={['onChange', 'onBlur']}
                        hasFeedback
                      >
                        <Input maxLength={18} data-testid="member-nationalId" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={3}>
                      <Form.Item
                        name={[field.name, 'relation']}
                        label={words.t('relation')}
                        rules={[{ required: true }]}
                      >
                        <Select options={enumOptions('Relation', words.language)} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={3}>
                      <Form.Item name={[field.name, 'health']} label={words.t('health')}>
                        <Select
                          allowClear
                          options={enumOptions('Health', words.language)}
                          placeholder={words.label('Health', 'healthy')}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={3}>
                      <Form.Item name={[field.name, 'labourCapacity']} label={words.t('labour')}>
                        <Select
                          allowClear
                          options={enumOptions('LabourCapacity', words.language)}
                          placeholder={words.label('LabourCapacity', 'ordinary')}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={3}>
                      <Form.Item name={[field.name, 'schooling']} label={words.t('schooling')}>
                        <Select
                          allowClear
                          options={enumOptions('Schooling', words.language)}
                          placeholder={words.label('Schooling', 'not_in_school')}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={24} md={8}>
                      <Form.Item name={[field.name, 'insurance']} label={words.t('insurance')}>
                        <Checkbox.Group options={INSURANCE.map((k) => ({ value: k, label: words.t(k) }))} />
                      </Form.Item>
                    </Col>
                  </Row>
                </Card>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ relation: 'child', insurance: ['basicMedical'] })}>
                {words.t('addMember')}
              </Button>
            </Space>
          )}
        </Form.List>
        {refusal && <Alert type="error" showIcon title={refusal} data-testid="refusal" style={{ marginTop: 16 }} />}
        <Button type="primary" htmlType="submit" loading={busy} style={{ marginTop: 16 }} data-testid="submit">
          {words.t(mode === 'alert' ? 'submitAlert' : 'submitApplication')}
        </Button>
      </Form>
    </Card>
  );
}
