import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { nationalIdProblem } from '@registry/schema/national-id';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  List,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { graphql } from './api';
import { useSignedIn } from './auth';
import { COMMANDS, type CommandName, type CommandSpec, type Field, nextSteps, type Outcome } from './commands';
import { afterToday } from './dates';
import type { StateFactsFragment } from './generated';
import { enumOptions, useWords } from './i18n';
import { MoveMemberForm } from './MoveMember';

type Refusal = Exclude<Outcome, { __typename: 'CommandSuccess' }>;

/**
 * "Next steps": only the commands the rules allow now, each as a form. A refusal is shown in
 * place (the unmet exit criteria one by one, a field's rule beside the field) and the form
 * keeps what was typed.
 */
export function NextSteps({
  household,
  onDone,
}: {
  household: StateFactsFragment & {
    id: string;
    version: number;
    mayRecord?: readonly string[];
    recordedElsewhere?: readonly { command: string; levels: readonly string[] }[];
  };
  onDone(position: string): void;
}) {
  const words = useWords();
  const [chosen, setChosen] = useState<CommandName>();
  const [moving, setMoving] = useState(false);
  // Only the steps the signed-in level may record under the policy in force (村申请、乡审核、县审批).
  const mayRecord = household.mayRecord;
  const possible = nextSteps(household);
  const steps = possible.filter(
    (name) => !mayRecord || mayRecord.includes(name.charAt(0).toUpperCase() + name.slice(1)),
  );
  if (steps.length === 0) {
    // Which office records what could be done next (the policy's levels), in the order 村、乡镇、县级.
    const order = ['village', 'township', 'county', 'province'] as const;
    const elsewhere = new Map((household.recordedElsewhere ?? []).map((c) => [c.command, c.levels]));
    const levels = new Set(
      possible.flatMap((name) => elsewhere.get(name.charAt(0).toUpperCase() + name.slice(1)) ?? []),
    );
    const offices = order.filter((l) => levels.has(l)).map((l) => words.t(`office_${l}`));
    return (
      <Typography.Text type="secondary" data-testid="no-next-steps">
        {possible.length === 0
          ? words.t('noNextSteps')
          : offices.length > 0
            ? words.t('stepsOfOffices', { offices: offices.join(words.language === 'zh' ? '或' : ' or ') })
            : words.t('stepsOfOtherLevel')}
      </Typography.Text>
    );
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="next-steps">
      <Space wrap>
        {steps.map((name) => (
          <Button
            key={name}
            type={chosen === name ? 'primary' : 'default'}
            danger={COMMANDS[name].danger}
            onClick={() => setChosen(name)}
            data-testid={`step-${name}`}
          >
            {COMMANDS[name].title[words.language]}
          </Button>
        ))}
        {steps.includes('addMember') && (
          <Button onClick={() => setMoving(true)} data-testid="step-moveMember">
            {words.t('moveMember')}
          </Button>
        )}
      </Space>
      {moving && (
        <MoveMemberForm
          household={household}
          onCancel={() => setMoving(false)}
          onDone={(position) => {
            setMoving(false);
            onDone(position);
          }}
        />
      )}
      {chosen && steps.includes(chosen) && (
        <CommandForm
          key={chosen}
          spec={COMMANDS[chosen] as unknown as CommandSpec}
          household={household}
          onDone={(position) => {
            setChosen(undefined);
            onDone(position);
          }}
        />
      )}
    </Space>
  );
}

/** Where an issue's path (input.data.members.0.name) is on the form. */
function fieldOf(path: string): string | undefined {
  const [first, second, third] = path.split('.');
  if (first !== 'input') return undefined;
  if (second === 'effectiveAt' || second === 'reason') return second;
  if (second === 'data' && third)
    return third === 'incomePerCapitaFen' ? 'income' : third === 'amountFen' ? 'amount' : third;
  return undefined;
}

function CommandForm({
  spec,
  household,
  onDone,
}: {
  spec: CommandSpec;
  household: StateFactsFragment & { id: string; version: number };
  onDone(position: string): void;
}) {
  const words = useWords();
  const session = useSignedIn();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal>();
  const [failure, setFailure] = useState<string>();
  // One id per attempt: a retry after a network failure is the same command, handled once.
  const [commandId, setCommandId] = useState(() => crypto.randomUUID());
  const fields = spec.fields(household);

  const submit = async (values: Record<string, unknown>) => {
    setBusy(true);
    setRefusal(undefined);
    setFailure(undefined);
    try {
      const data = spec.data(values, household, commandId);
      const variables = {
        commandId,
        expectedVersion: household.version,
        input: {
          householdId: household.id,
          effectiveAt: (values.effectiveAt as Dayjs).format('YYYY-MM-DD'),
          ...(typeof values.reason === 'string' && values.reason.trim() ? { reason: values.reason.trim() } : {}),
          ...(data === undefined ? {} : { data }),
        },
      };
      const answer = await graphql(
        session,
        words.language,
        spec.document as unknown as TypedDocumentNode<Record<string, Outcome>, typeof variables>,
        variables,
      );
      const outcome = answer[spec.name] as Outcome;
      setCommandId(crypto.randomUUID());
      if (outcome.__typename === 'CommandSuccess') {
        onDone(outcome.position);
        return;
      }
      setRefusal(outcome);
      form.setFields(
        (outcome.issues ?? []).flatMap((issue) => {
          const name = fieldOf(issue.path);
          return name ? [{ name, errors: [words.rule(issue.message)] }] : [];
        }),
      );
    } catch (error) {
      setFailure(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={spec.title[words.language]} data-testid="command-form">
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          effectiveAt: dayjs(spec.effectiveAt?.(household) ?? undefined),
          ...Object.fromEntries(
            fields.filter((f) => 'initial' in f).map((f) => [f.name, 'initial' in f ? f.initial : undefined]),
          ),
        }}
        style={{ maxWidth: 640 }}
      >
        <Form.Item name="effectiveAt" label={words.t('effectiveAt')} rules={[{ required: true }]}>
          <DatePicker disabledDate={afterToday} data-testid="field-effectiveAt" />
        </Form.Item>
        {fields.map((field) => (
          <FieldInput key={field.name} field={field} />
        ))}
        <Form.Item
          name="reason"
          label={words.t('reason')}
          rules={spec.reasonRequired ? [{ required: true, message: words.t('reasonRequired') }] : []}
        >
          <Input.TextArea rows={2} data-testid="field-reason" />
        </Form.Item>
        {refusal && <RefusalView refusal={refusal} />}
        {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" loading={busy} danger={spec.danger} data-testid="submit">
          {words.t('submit')}
        </Button>
      </Form>
    </Card>
  );
}

function FieldInput({ field }: { field: Field }) {
  const words = useWords();
  const label = field.label[words.language];
  const required = 'required' in field && field.required ? [{ required: true, message: words.t('required') }] : [];
  const testId = `field-${field.name}`;
  switch (field.kind) {
    case 'bool':
      return (
        <Form.Item name={field.name} label={label} valuePropName="checked">
          <Switch data-testid={testId} />
        </Form.Item>
      );
    case 'text':
      return (
        <Form.Item name={field.name} label={label} rules={required}>
          <Input data-testid={testId} />
        </Form.Item>
      );
    case 'textarea':
      return (
        <Form.Item name={field.name} label={label} rules={required}>
          <Input.TextArea rows={3} data-testid={testId} />
        </Form.Item>
      );
    case 'int':
      return (
        <Form.Item name={field.name} label={label} rules={required}>
          <InputNumber min={field.min} precision={0} data-testid={testId} />
        </Form.Item>
      );
    case 'yuan':
      return (
        <Form.Item name={field.name} label={label} rules={required}>
          <InputNumber min={0} precision={2} step={100} suffix="元" style={{ width: 200 }} data-testid={testId} />
        </Form.Item>
      );
    case 'enum':
    case 'enums':
      return (
        <Form.Item name={field.name} label={label} rules={field.kind === 'enum' ? required : []}>
          <Select
            allowClear
            mode={field.kind === 'enums' ? 'multiple' : undefined}
            options={enumOptions(field.enum, words.language)}
            data-testid={testId}
          />
        </Form.Item>
      );
    case 'nationalId':
      return (
        <Form.Item
          name={field.name}
          label={label}
          rules={[nationalIdRule(words)]}
          validateTrigger={['onChange', 'onBlur']}
          hasFeedback
        >
          <Input maxLength={18} data-testid={testId} />
        </Form.Item>
      );
    case 'choice':
      return (
        <Form.Item name={field.name} label={label} rules={required}>
          <Select
            options={field.options.map((o) => ({
              value: o.value,
              label: typeof o.label === 'string' ? o.label : o.label[words.language],
            }))}
            data-testid={testId}
          />
        </Form.Item>
      );
  }
}

/** An ID number checked as it is typed, with the API's own arithmetic; the wrong check character names the right one. */
export function nationalIdRule(words: ReturnType<typeof useWords>) {
  return {
    validator: async (_: unknown, value: string | undefined) => {
      if (!value) throw new Error(words.t('required'));
      const problem = nationalIdProblem(value.toUpperCase());
      if (!problem) return;
      if (problem.problem === 'check') throw new Error(words.t('idCheck', { expected: problem.expected }));
      throw new Error(words.t(problem.problem === 'form' ? 'idForm' : 'idBirthDate'));
    },
  };
}

/** A refusal in place: its text in the current language, and each unmet exit criterion on its own line. */
function RefusalView({ refusal }: { refusal: Refusal }) {
  const words = useWords();
  const unmet = refusal.unmetCriteria ?? [];
  const title =
    refusal.__typename === 'RuleViolation'
      ? words.refusal({ code: refusal.rule ?? 'RULE_VIOLATION', detail: refusal.message, facts: refusal.facts })
      : refusal.localizedMessage;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="refusal"
      style={{ marginBottom: 12 }}
      title={unmet.length > 0 ? words.refusal({ code: 'EXIT_CRITERIA_UNMET' }) : title}
      description={
        unmet.length > 0 ? (
          <List
            size="small"
            dataSource={unmet}
            renderItem={(criterion) => (
              <List.Item data-testid="unmet-criterion" style={{ color: '#c8161d', fontWeight: 600 }}>
                {words.unmet(criterion, refusal.facts ?? {})}
              </List.Item>
            )}
          />
        ) : (
          // The API's English detail, only where the Chinese text could not say more than the rule's name.
          refusal.__typename !== 'ValidationError' &&
          words.language === 'zh' &&
          title === words.refusal({ code: refusal.__typename === 'RuleViolation' ? (refusal.rule ?? '') : '' }) && (
            <Typography.Text type="secondary">{refusal.message}</Typography.Text>
          )
        )
      }
    />
  );
}
