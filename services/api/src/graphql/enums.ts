import {
  AlertChannel,
  AlertDepartment,
  AlertOutcome,
  AssistanceCategory,
  ComparisonAgency,
  ExitCriterion,
  ExitStep,
  FundingSource,
  Health,
  HouseholdAttribute,
  IdentificationStep,
  LabourCapacity,
  MeasureStatus,
  MemberJoinReason,
  MemberLeaveReason,
  MonitoringCategory,
  NaturalDecreaseReason,
  PovertyCause,
  Relation,
  RiskType,
  Role,
  Schooling,
  Sex,
  WrongExitSource,
} from '@registry/schema';
import type { z } from 'zod';
import { builder } from './builder.js';

/**
 * GraphQL enums made from the schema's zod enums, values unchanged, so GraphQL, events and
 * read models all speak the same words. Inputs and outputs share them.
 */
const known = new Map<z.ZodEnum, string>([
  [HouseholdAttribute, 'HouseholdAttribute'],
  [PovertyCause, 'PovertyCause'],
  [Sex, 'Sex'],
  [Relation, 'Relation'],
  [Health, 'Health'],
  [LabourCapacity, 'LabourCapacity'],
  [Schooling, 'Schooling'],
  [AssistanceCategory, 'AssistanceCategory'],
  [FundingSource, 'FundingSource'],
  [MonitoringCategory, 'MonitoringCategory'],
  [ComparisonAgency, 'ComparisonAgency'],
  [MemberJoinReason, 'MemberJoinReason'],
  [WrongExitSource, 'WrongExitSource'],
  [MeasureStatus, 'MeasureStatus'],
  [MemberLeaveReason, 'MemberLeaveReason'],
  [NaturalDecreaseReason, 'NaturalDecreaseReason'],
  [ExitCriterion, 'ExitCriterion'],
  [IdentificationStep, 'IdentificationStep'],
  [ExitStep, 'ExitStep'],
  [Role, 'Role'],
  [RiskType, 'RiskType'],
  [AlertChannel, 'AlertChannel'],
  [AlertDepartment, 'AlertDepartment'],
  [AlertOutcome, 'AlertOutcome'],
]);

const refs = new Map<string, { ref: ReturnType<typeof builder.enumType>; values: string }>();

/** The GraphQL enum for a zod enum; unnamed enums take `fallbackName`. */
export function enumFor(schema: z.ZodEnum, fallbackName?: string): ReturnType<typeof builder.enumType> {
  const name = known.get(schema) ?? fallbackName;
  if (!name) throw new Error(`no GraphQL name for the enum ${schema.options.join('|')}`);
  return enumOf(name, schema.options.map(String));
}

/** One GraphQL enum per name; asking twice for the same name with other values is a bug. */
export function enumOf(name: string, values: string[]): ReturnType<typeof builder.enumType> {
  const existing = refs.get(name);
  if (existing) {
    if (existing.values !== values.join('|')) throw new Error(`two different enums are named ${name}`);
    return existing.ref;
  }
  const ref = builder.enumType(name, { values });
  refs.set(name, { ref, values: values.join('|') });
  return ref;
}

export const HouseholdAttributeEnum = enumFor(HouseholdAttribute);
export const PovertyCauseEnum = enumFor(PovertyCause);
export const RelationEnum = enumFor(Relation);
export const SexEnum = enumFor(Sex);
export const HealthEnum = enumFor(Health);
export const LabourCapacityEnum = enumFor(LabourCapacity);
export const SchoolingEnum = enumFor(Schooling);
export const AssistanceCategoryEnum = enumFor(AssistanceCategory);
export const FundingSourceEnum = enumFor(FundingSource);
export const MonitoringCategoryEnum = enumFor(MonitoringCategory);
export const MeasureStatusEnum = enumFor(MeasureStatus);
export const ExitCriterionEnum = enumFor(ExitCriterion);
export const RoleEnum = enumFor(Role);
export const RiskTypeEnum = enumFor(RiskType);
export const AlertChannelEnum = enumFor(AlertChannel);
export const AlertDepartmentEnum = enumFor(AlertDepartment);
export const AlertOutcomeEnum = enumFor(AlertOutcome);
