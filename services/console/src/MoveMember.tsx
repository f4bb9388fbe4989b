import { Alert, Button, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { graphql } from './api';
import { useGraphqlMutation, useSignedIn } from './auth';
import { afterToday } from './dates';
import {
  HouseholdByCardDocument,
  type MemberJoinReason,
  type MemberLeaveReason,
  MoveMemberDocument,
  type Relation,
  type StateFactsFragment,
} from './generated';
import { enumOptions, useWords } from './i18n';

interface Values {
  memberId: string;
  cardNumber: string;
  relation: Relation;
  leaveReason: MemberLeaveReason;
  joinReason: MemberJoinReason;
  newHeadMemberId?: string;
  effectiveAt: Dayjs;
  reason?: string;
}

/**
 * 成员迁至另一户 (marriage, 分户 into an existing household): the person leaves this household
 * and joins the one with the card number given, in one step; their ID number goes with them.
 * Both households must be in the clerk's area; the API refuses anything else, named.
 */
export function MoveMemberForm({
  household,
  onDone,
  onCancel,
}: {
  household: StateFactsFragment & { id: string };
  onDone(position: string): void;
  onCancel(): void;
}) {
  const words = useWords();
  const session = useSignedIn();
  const move = useGraphqlMutation(MoveMemberDocument);
  const [refusal, setRefusal] = useState<string>();
  const [commandId, setCommandId] = useState(() => crypto.randomUUID());
  const members = household.members.map((m) => ({ value: m.memberId, label: m.name }));
  const submit = async (v: Values) => {
    setRefusal(undefined);
    const card = v.cardNumber.trim();
    const found = (await graphql(session, words.language, HouseholdByCardDocument, { text: card })).households.edges
      .map((e) => e.node)
      .find((h) => h.cardNumber === card && h.id !== household.id);
    if (!found) {
      setRefusal(words.t('moveTargetNotFound', { card }));
      return;
    }
    const outcome = (
      await move.mutateAsync({
        commandId,
        input: {
          fromHouseholdId: household.id,
          toHouseholdId: found.id,
          memberId: v.memberId,
          relation: v.relation,
          leaveReason: v.leaveReason,
          joinReason: v.joinReason,
          effectiveAt: v.effectiveAt.format('YYYY-MM-DD'),
          ...(v.newHeadMemberId ? { newHeadMemberId: v.newHeadMemberId } : {}),
          ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
        },
      })
    ).moveMember;
    setCommandId(crypto.randomUUID());
    if (outcome.__typename === 'MoveSuccess') onDone(outcome.from.position);
    else setRefusal(outcome.localizedMessage);
  };
  return (
    <Modal open title={words.t('moveMember')} onCancel={onCancel} footer={null} destroyOnHidden>
      <Form<Values>
        layout="vertical"
        data-testid="move-member-form"
        initialValues={{ effectiveAt: dayjs(), leaveReason: 'marriage', joinReason: 'marriage' }}
        onFinish={(v) => submit(v).catch((error) => setRefusal(String(error)))}
      >
        <Form.Item name="memberId" label={words.t('member')} rules={[{ required: true }]}>
          <Select options={members} data-testid="move-member" />
        </Form.Item>
        <Form.Item name="cardNumber" label={words.t('moveTargetCard')} rules={[{ required: true }]}>
          <Input data-testid="move-target" />
        </Form.Item>
        <Form.Item name="relation" label={words.t('relationThere')} rules={[{ required: true }]}>
          <Select options={enumOptions('Relation', words.language)} data-testid="move-relation" />
        </Form.Item>
        <Form.Item name="leaveReason" label={words.t('leaveReason')} rules={[{ required: true }]}>
          <Select options={enumOptions('MemberLeaveReason', words.language)} />
        </Form.Item>
        <Form.Item name="joinReason" label={words.t('joinReason')} rules={[{ required: true }]}>
          <Select options={enumOptions('MemberJoinReason', words.language)} />
        </Form.Item>
        <Form.Item name="newHeadMemberId" label={words.t('newHeadWhenHeadLeaves')}>
          <Select allowClear options={members} />
        </Form.Item>
        <Form.Item name="effectiveAt" label={words.t('effectiveAt')} rules={[{ required: true }]}>
          <DatePicker disabledDate={afterToday} data-testid="move-effective" />
        </Form.Item>
        <Form.Item name="reason" label={words.t('reason')}>
          <Input />
        </Form.Item>
        {refusal && (
          <Alert type="error" showIcon title={refusal} data-testid="move-refusal" style={{ marginBottom: 12 }} />
        )}
        <Button type="primary" htmlType="submit" loading={move.isPending} data-testid="move-submit">
          {words.t('submit')}
        </Button>
      </Form>
    </Modal>
  );
}
