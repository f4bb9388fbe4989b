import { z } from 'zod';
import { ComparisonAgency, Health, LabourCapacity, PovertyCause, Relation, Schooling, Sex } from './enums.js';
import { birthDateOfNationalId, checkText, IsoDate, NationalId, sexOfNationalId, Uuid, VillageCode } from './values.js';

const Text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).superRefine(checkText);

export const Insurance = z
  .object({
    /** 城乡居民基本医疗保险 */
    basicMedical: z.boolean(),
    /** 大病保险 */
    seriousIllness: z.boolean(),
    /** 城乡居民基本养老保险 */
    pension: z.boolean(),
  })
  .strict();

export const Member = z
  .object({
    memberId: Uuid,
    nationalId: NationalId,
    name: Text(50),
    sex: Sex,
    birthDate: IsoDate,
    relation: Relation,
    health: Health,
    /** 残疾等级 1 (most severe) to 4; required for, and only for, disabled members. */
    disabilityGrade: z.number().int().min(1).max(4).optional(),
    labourCapacity: LabourCapacity,
    schooling: Schooling,
    insurance: Insurance,
  })
  .strict()
  .superRefine((member, ctx) => {
    if (birthDateOfNationalId(member.nationalId) !== member.birthDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['birthDate'],
        message: 'must match the birth date in the national ID number',
      });
    }
    if (sexOfNationalId(member.nationalId) !== member.sex) {
      ctx.addIssue({ code: 'custom', path: ['sex'], message: 'must match the sex encoded in the national ID number' });
    }
    if ((member.health === 'disabled') !== (member.disabilityGrade !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['disabilityGrade'],
        message: 'is required when health is disabled, and only then',
      });
    }
  });
export type Member = z.infer<typeof Member>;

export const MemberChanges = z
  .object({
    health: Health.optional(),
    disabilityGrade: z.number().int().min(1).max(4).nullable().optional(),
    labourCapacity: LabourCapacity.optional(),
    schooling: Schooling.optional(),
    insurance: Insurance.optional(),
    relation: Relation.exclude(['head']).optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'must change at least one field');
export type MemberChanges = z.infer<typeof MemberChanges>;

/** Members as a household lists them: exactly one head, no ID number twice. */
export const MemberList = z
  .array(Member)
  .min(1, 'must list at least the head of household')
  .max(30)
  .superRefine((members, ctx) => {
    const heads = members.filter((m) => m.relation === 'head').length;
    if (heads !== 1) ctx.addIssue({ code: 'custom', message: `must have exactly one head of household, has ${heads}` });
    const ids = new Set<string>();
    const memberIds = new Set<string>();
    members.forEach((m, i) => {
      if (ids.has(m.nationalId)) ctx.addIssue({ code: 'custom', path: [i, 'nationalId'], message: 'appears twice' });
      if (memberIds.has(m.memberId)) ctx.addIssue({ code: 'custom', path: [i, 'memberId'], message: 'appears twice' });
      ids.add(m.nationalId);
      memberIds.add(m.memberId);
    });
  });

export const HouseholdDetails = z
  .object({
    villageCode: VillageCode,
    /** 村民小组 */
    group: z.string().trim().max(50).superRefine(checkText).optional(),
    address: Text(200),
    phone: z
      .string()
      .regex(/^\+?\d{7,15}$/, 'must be 7 to 15 digits')
      .optional(),
    /** Account for transfers (一卡通). PII. */
    bankAccount: z
      .string()
      .regex(/^\d{12,30}$/, 'must be 12 to 30 digits')
      .optional(),
  })
  .strict();
export type HouseholdDetails = z.infer<typeof HouseholdDetails>;

/**
 * A change of the household's contact and transfer details from a date: at least one of them.
 * The village is not among them: a move to another village is its own record.
 */
export const DetailsChange = HouseholdDetails.omit({ villageCode: true })
  .partial()
  .strict()
  .refine((d) => Object.values(d).some((v) => v !== undefined), {
    message: 'must change at least one of address, group, phone and bankAccount',
  });

export const Helper = z
  .object({
    helperId: Text(64),
    name: Text(50),
    /** The cadre's unit (结对帮扶单位). */
    unit: Text(100),
    phone: z
      .string()
      .regex(/^\+?\d{7,15}$/, 'must be 7 to 15 digits')
      .optional(),
  })
  .strict();
export type Helper = z.infer<typeof Helper>;

export const ComparisonFinding = z
  .object({
    agency: ComparisonAgency,
    /** A finding that rules the household out (a car, a company, a civil-servant member). */
    disqualifying: z.boolean(),
    detail: Text(500),
  })
  .strict();

export const Causes = z
  .object({
    mainCause: PovertyCause,
    otherCauses: z.array(PovertyCause).max(10).default([]),
  })
  .refine((c) => !c.otherCauses.includes(c.mainCause), {
    path: ['otherCauses'],
    message: 'must not repeat the main cause',
  });

/**
 * 两不愁三保障 and safe drinking water, as an assessment finds them: enough food and clothing;
 * compulsory schooling, basic medical insurance and care, safe housing; safe drinking water.
 * The one shape events, commands, exit criteria, the demo, the simulator and fixtures share.
 */
export const LivingConditions = z
  .object({
    food: z.boolean(),
    clothing: z.boolean(),
    compulsoryEducation: z.boolean(),
    basicMedical: z.boolean(),
    safeHousing: z.boolean(),
    safeDrinkingWater: z.boolean(),
  })
  .strict();
export type LivingConditions = z.infer<typeof LivingConditions>;

/** Every condition met. */
export const ALL_CONDITIONS_MET: Readonly<LivingConditions> = Object.freeze({
  food: true,
  clothing: true,
  compulsoryEducation: true,
  basicMedical: true,
  safeHousing: true,
  safeDrinkingWater: true,
});

export const Text500 = Text(500);
export const Text2000 = Text(2000);
export { Text };
