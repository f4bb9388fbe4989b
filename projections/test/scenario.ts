import { randomUUID } from 'node:crypto';
import type { HouseholdCommandHandler } from '@registry/registry';
import type { Actor, Member } from '@registry/schema';
import { ALL_CONDITIONS_MET, nationalIdCheckChar } from '@registry/schema';

export const clerk: Actor = { id: 'clerk-zhang', role: 'clerk', unit: '320924101000' };
export const VILLAGE = '320924101201';
export const countyApprover: Actor = { id: 'county-approver-wang', role: 'clerk', unit: '320924000000' };

let seq = 0;
export function person(
  relation: Member['relation'],
  sex: 'male' | 'female' = 'male',
  birthDate = '1970-05-12',
): Member {
  seq++;
  // One person, one number: distinct for every seq up to 50,000.
  const order = String((seq % 500) * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0');
  const first17 = `3209${String(Math.floor(seq / 500) % 100).padStart(2, '0')}${birthDate.replaceAll('-', '')}${order}`;
  return {
    memberId: randomUUID(),
    nationalId: first17 + nationalIdCheckChar(first17),
    name: `村民${seq}`,
    sex,
    birthDate,
    relation,
    health: 'healthy',
    labourCapacity: 'ordinary',
    schooling: 'not_in_school',
    insurance: { basicMedical: true, seriousIllness: false, pension: false },
  };
}

/** The card number a scenario household gets: its own, as card numbers are unique. */
export const cardNumberOf = (householdId: string) => `C-${householdId.slice(0, 8)}`;

/** Drives one household through the handler like a clerk would; returns helpers to go on. */
export function clerkFor(handler: HouseholdCommandHandler, householdId = randomUUID()) {
  let n = 0;
  const send = (type: string, data: unknown, effectiveAt: string, extra: Record<string, unknown> = {}) =>
    handler.handle(
      { commandId: `${householdId}-${++n}`, householdId, effectiveAt, ...extra },
      type,
      data,
      // Approvals by the county, apart from the reviews before them (separation of duties), and
      // corrections too: a correction of an approval is the approval's duty.
      type === 'ApproveRegistration' || type === 'ApproveExit' || type === 'CorrectEvent' ? countyApprover : clerk,
    );
  const head = person('head');
  const spouse = person('spouse', 'female', '1972-03-08');
  return {
    householdId,
    head,
    spouse,
    send,
    async register(village = VILLAGE) {
      await send(
        'ApplyForRegistration',
        { household: { villageCode: village, address: '张庄村18号' }, members: [head, spouse] },
        '2015-03-01',
      );
      await send('RecordVillageReview', { approved: true }, '2015-03-10');
      await send('OpenPublicNotice', {}, '2015-03-11');
      await send('ClosePublicNotice', {}, '2015-03-18');
      await send('RecordTownshipReview', { approved: true }, '2015-03-25');
      await send('OpenPublicNotice', {}, '2015-03-26');
      await send('ClosePublicNotice', {}, '2015-04-02');
      await send('RecordDataComparison', { findings: [] }, '2015-04-10');
      await send(
        'ApproveRegistration',
        {
          cardNumber: cardNumberOf(householdId),
          attribute: 'ordinary',
          mainCause: 'illness',
          otherCauses: ['lack_of_capital'],
        },
        '2015-04-20',
      );
      return send(
        'AssignHelper',
        { helper: { helperId: 'cadre-042', name: '王帮扶', unit: '县农业农村局' } },
        '2015-05-01',
      );
    },
    async exit(year = 2019, exitedOn = `${year}-12-31`) {
      await send(
        'AssessConditions',
        {
          year,
          incomePerCapitaFen: 720_000,
          ...ALL_CONDITIONS_MET,
        },
        `${year}-11-15`,
      );
      await send('ProposeExit', { year }, `${year}-11-20`);
      await send('RecordVillageReview', { approved: true }, `${year}-11-25`);
      await send('OpenPublicNotice', {}, `${year}-11-26`);
      await send('ClosePublicNotice', {}, `${year}-12-03`);
      await send('ConfirmExit', { signedByMemberId: head.memberId }, `${year}-12-05`);
      await send('VerifyExit', {}, `${year}-12-10`);
      return send('ApproveExit', {}, exitedOn);
    },
  };
}
