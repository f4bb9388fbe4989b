import { randomUUID } from 'node:crypto';
import { refusalText } from '@registry/schema/messages';
import type { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  OTHER_VILLAGE,
  otherClerk,
  person,
  type RunningApi,
  startApi,
  townshipClerk,
  VILLAGE,
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
  let zhang: GraphQLClient;
  let li: GraphQLClient;
  let province: GraphQLClient;
  beforeAll(async () => {
    api = await startApi('intake');
    zhang = await api.client(townshipClerk);
    li = await api.client(otherClerk);
    province = await api.client(admin);
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

    // The province sees every household.
    const seen = await apply(province, OTHER_VILLAGE, [{ ...shared, memberId: randomUUID() }]);
    expect(seen.answer).toMatchObject({ facts: { householdId: first.householdId } });
  });

  it('answers every rule’s refusal in Chinese from the catalogue (the errors plugin hands resolvers a proxy: not "internal error")', async () => {
    const { householdId } = await apply(zhang, VILLAGE, [person('head')]);
    const response = await zhang.rawRequest<{ recordTownshipReview: Answer }>(
      `mutation T($c: ID!, $i: RecordTownshipReviewInput!) {
        recordTownshipReview(commandId: $c, input: $i) { __typename ... on Problem { localizedMessage } ... on RuleViolation { rule } }
      }`,
      { c: randomUUID(), i: { householdId, effectiveAt: '2016-03-05', data: { approved: true } } },
    );
    const answer = response.data.recordTownshipReview;
    expect(answer.__typename).toBe('RuleViolation');
    expect(answer.localizedMessage).toBe(refusalText({ code: answer.rule ?? '' }, 'zh'));
    expect(answer.localizedMessage).not.toBe(refusalText({ code: 'INTERNAL' }, 'zh'));
  });
});
