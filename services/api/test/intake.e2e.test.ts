import { randomUUID } from 'node:crypto';
import { refusalText } from '@registry/schema/messages';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countyClerk,
  OTHER_VILLAGE,
  person,
  type RunningApi,
  startApi,
  townshipClerk,
  VILLAGE,
  villageClerk,
} from './harness.js';

const APPLY = `mutation Apply($c: ID!, $i: ApplyForRegistrationInput!) {
  applyForRegistration(commandId: $c, input: $i) {
    __typename
    ... on Problem { message localizedMessage }
    ... on RuleViolation { rule facts }
  }
}`;

type Answer = { __typename: string; message?: string; localizedMessage?: string; rule?: string; facts?: unknown };

describe('intake integrity through the API: one person, one open household', () => {
  let api: RunningApi;
  // A village clerk of Zhangzhuang (张庄村), one of another township's village, and the county.
  let zhang: GraphQLClient;
  let li: GraphQLClient;
  let county: GraphQLClient;
  beforeAll(async () => {
    api = await startApi('intake');
    zhang = await api.client(villageClerk);
    li = await api.client({ sub: 'clerk-li', role: 'clerk', unit: '河口村村委会', area: OTHER_VILLAGE });
    county = await api.client(countyClerk);
  });
  afterAll(async () => api.close());

  const apply = async (client: GraphQLClient, village: string, members: unknown[], language = 'zh-CN') => {
    const householdId = randomUUID();
    const response = await client.rawRequest<{ applyForRegistration: Answer }>(
      APPLY,
      {
        c: randomUUID(),
        i: {
          householdId,
          effectiveAt: '2016-03-01',
          data: { household: { villageCode: village, address: '18号' }, members },
        },
      },
      { 'accept-language': language },
    );
    expect(response.errors).toBeUndefined();
    return { householdId, answer: response.data.applyForRegistration };
  };

  it('refuses a person already in an open household: named inside the clerk’s area, "another area" outside it', async () => {
    const shared = person('head');
    const first = await apply(zhang, VILLAGE, [shared]);
    expect(first.answer.__typename).toBe('CommandSuccess');

    const inside = await apply(zhang, VILLAGE, [{ ...shared, memberId: randomUUID() }]);
    expect(inside.answer).toMatchObject({
      __typename: 'RuleViolation',
      rule: 'NATIONAL_ID_IN_OTHER_HOUSEHOLD',
      facts: { field: 'input.data.members.0.nationalId', householdId: first.householdId, villageCode: VILLAGE },
    });
    expect(inside.answer.localizedMessage).toBe(
      `该身份证号已在另一未销户的户中（一人只能在一户），请办理成员迁移：尚未建档，所在村 ${VILLAGE}`,
    );

    const outside = await apply(li, OTHER_VILLAGE, [{ ...shared, memberId: randomUUID() }], 'en');
    expect(outside.answer).toMatchObject({
      rule: 'NATIONAL_ID_IN_OTHER_HOUSEHOLD',
      facts: { field: 'input.data.members.0.nationalId', otherArea: true },
    });
    expect(JSON.stringify(outside.answer)).not.toContain(first.householdId);
    expect(JSON.stringify(outside.answer)).not.toContain(VILLAGE);
    expect(outside.answer.localizedMessage).toContain('outside your area');

    // The county sees both villages: a member added there is refused naming the household.
    const other = await apply(zhang, VILLAGE, [person('head')]);
    const response = await county.rawRequest<{ addMember: Answer }>(
      `mutation M($c: ID!, $i: AddMemberInput!) { addMember(commandId: $c, input: $i) { __typename ... on RuleViolation { rule facts } } }`,
      {
        c: randomUUID(),
        i: {
          householdId: other.householdId,
          effectiveAt: '2016-03-02',
          data: { member: { ...shared, memberId: randomUUID(), relation: 'other' }, reason: 'moving_in' },
        },
      },
    );
    expect(response.data.addMember).toMatchObject({
      rule: 'NATIONAL_ID_IN_OTHER_HOUSEHOLD',
      facts: { field: 'input.data.member.nationalId', householdId: first.householdId },
    });
  });

  it('answers every rule’s refusal in Chinese from the catalogue (the errors plugin hands resolvers a proxy: not "internal error")', async () => {
    const { householdId } = await apply(zhang, VILLAGE, [person('head')]);
    const township = await api.client(townshipClerk);
    const response = await township.rawRequest<{ recordTownshipReview: Answer }>(
      `mutation T($c: ID!, $i: RecordTownshipReviewInput!) {
        recordTownshipReview(commandId: $c, input: $i) { __typename ... on Problem { localizedMessage } ... on RuleViolation { rule } }
      }`,
      { c: randomUUID(), i: { householdId, effectiveAt: '2016-03-05', data: { approved: true } } },
    );
    const answer = response.data.recordTownshipReview;
    expect(answer.__typename).toBe('RuleViolation');
    // The rule's name, and what its facts say (the step the case is at), in Chinese.
    expect(answer.localizedMessage).toBe(`${refusalText({ code: answer.rule ?? '' }, 'zh')}：当前环节为“村级评议”`);
    expect(answer.localizedMessage).not.toBe(refusalText({ code: 'INTERNAL' }, 'zh'));
  });

  describe('separation of duties (村申请、乡审核、县审批), with a token of each level', () => {
    const step = async (
      client: GraphQLClient,
      type: string,
      householdId: string,
      effectiveAt: string,
      data?: unknown,
    ) => {
      const field = type.charAt(0).toLowerCase() + type.slice(1);
      const response = await client.rawRequest<Record<string, Answer>>(
        `mutation S($c: ID!, $i: ${type}Input!) { ${field}(commandId: $c, input: $i) {
          __typename ... on Problem { localizedMessage } ... on RuleViolation { rule facts } } }`,
        { c: randomUUID(), i: { householdId, effectiveAt, ...(data ? { data } : {}) } },
      );
      expect(response.errors).toBeUndefined();
      return response.data[field] as Answer;
    };

    it('lets each level record its own steps only, and keeps the review and the approval apart', async () => {
      const township = await api.client(townshipClerk);
      // The same person, 张, also holding a county token: still not the approver of his own review.
      const zhangAtCounty = await api.client({ ...townshipClerk, area: '320924000000', unit: '县扶贫办' });

      expect((await apply(township, VILLAGE, [person('head')])).answer).toMatchObject({
        rule: 'LEVEL_NOT_ALLOWED',
        facts: { duty: 'application', level: 'township', allowed: ['village'] },
        localizedMessage: '该环节不属于您所在层级的职责（村申请、乡审核、县审批）：应由村级办理，您的辖区为乡镇级',
      });
      const { householdId } = await apply(zhang, VILLAGE, [person('head')]);
      expect(await step(county, 'RecordVillageReview', householdId, '2016-03-10', { approved: true })).toMatchObject({
        rule: 'LEVEL_NOT_ALLOWED',
        facts: { duty: 'village_review', level: 'county' },
      });
      for (const [type, on] of [
        ['RecordVillageReview', '2016-03-10'],
        ['OpenPublicNotice', '2016-03-11'],
        ['ClosePublicNotice', '2016-03-18'],
      ] as const) {
        expect(
          (await step(zhang, type, householdId, on, type === 'RecordVillageReview' ? { approved: true } : undefined))
            .__typename,
        ).toBe('CommandSuccess');
      }
      expect(await step(zhang, 'RecordTownshipReview', householdId, '2016-03-25', { approved: true })).toMatchObject({
        rule: 'LEVEL_NOT_ALLOWED',
      });
      for (const [type, on] of [
        ['RecordTownshipReview', '2016-03-25'],
        ['OpenPublicNotice', '2016-03-26'],
        ['ClosePublicNotice', '2016-04-02'],
      ] as const) {
        expect(
          (
            await step(
              township,
              type,
              householdId,
              on,
              type === 'RecordTownshipReview' ? { approved: true } : undefined,
            )
          ).__typename,
        ).toBe('CommandSuccess');
      }
      expect(await step(township, 'RecordDataComparison', householdId, '2016-04-10', { findings: [] })).toMatchObject({
        rule: 'LEVEL_NOT_ALLOWED',
      });
      expect((await step(county, 'RecordDataComparison', householdId, '2016-04-10', { findings: [] })).__typename).toBe(
        'CommandSuccess',
      );
      const approval = { cardNumber: `L-${householdId.slice(0, 8)}`, attribute: 'ordinary', mainCause: 'illness' };
      expect(await step(zhangAtCounty, 'ApproveRegistration', householdId, '2016-04-20', approval)).toMatchObject({
        rule: 'SAME_PERSON',
        facts: { duty: 'county_approval', otherDuty: 'township_review', actorId: 'clerk-zhang' },
        localizedMessage: '审核与审批须由不同的人办理',
      });
      expect((await step(county, 'ApproveRegistration', householdId, '2016-04-20', approval)).__typename).toBe(
        'CommandSuccess',
      );
    });
  });
});
