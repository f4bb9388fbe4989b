export type { AreaState } from './areas/decide.js';
export { exitThreshold } from './areas/decide.js';
export type { AreaRecordResult, ExitEvidenceSource } from './areas/handler.js';
export { AreaRecordHandler } from './areas/handler.js';
export type { RegistryAtCutoff } from './assessment/decide.js';
export { decideDraw, decideFinding, decideOpen, sha256Hex } from './assessment/decide.js';
export type { AssessmentResult } from './assessment/handler.js';
export { AssessmentHandler } from './assessment/handler.js';
export { populationsKnownAt } from './assessment/population.js';
export type { AssessmentResults, GroupResult, Rate } from './assessment/results.js';
export { assessmentBreakdown, assessmentResults, clusteredRate, wilson } from './assessment/results.js';
export type { Draw, FrameHousehold, SamplingFrame } from './assessment/sampling.js';
export { drawSample, frameDigest, rank } from './assessment/sampling.js';
export type { AssessmentState, Finding } from './assessment/state.js';
export { findingKey, foldAssessment } from './assessment/state.js';
export type { BackfillReport } from './backfill.js';
export { backfillClaims } from './backfill.js';
export type { ClaimHead, Key } from './claims.js';
export { claimEvent, claimHead, claimStream, heldKeys, keyChanges, keyTaken } from './claims.js';
export type { ExitEvaluation } from './criteria.js';
export { evaluateExit } from './criteria.js';
export type { DecideContext } from './decide.js';
export { CORRECTION_KEYS, decide, VOIDABLE } from './decide.js';
export type { CaseAtStep } from './duties.js';
export { caseStepDuties, checkLevel, dutyOfType } from './duties.js';
export type { IssuePaths, ParsedCommand } from './envelope.js';
export { HANDLER_PATHS, parseCommand } from './envelope.js';
export type { FieldIssue } from './errors.js';
export { ConcurrencyConflict, DomainError, HouseholdNotFound, RuleViolation, ValidationError } from './errors.js';
export type { DomainEvent } from './evolve.js';
export { evolve } from './evolve.js';
export type { HistoryEvent, TimelineEntry } from './fold.js';
export {
  applyCorrections,
  foldEvents,
  foldHistory,
  knownCount,
  stateAsOf,
  stateAtRevision,
  timeline,
} from './fold.js';
export type { CommandGuard, CommandResult, HandlerOptions, RunOptions } from './handler.js';
export { HouseholdCommandHandler } from './handler.js';
export { deriveId } from './ids.js';
export type { PolicySource, PolicyVersion } from './policy-book.js';
export { fixedPolicy, PolicyBook, PolicyTimeline, policyOn, policySource } from './policy-book.js';
export type { ReferenceResult } from './reference.js';
export { AreaReferenceHandler } from './reference.js';
export type { ExitReplay } from './replay.js';
export { replayExits } from './replay.js';
export { isOverdue } from './rules/alerts.js';
export type {
  Assessment,
  CaseKind,
  ExitCase,
  HouseholdState,
  IdentificationCase,
  Measure,
  MonitoringEnd,
  MonitoringPeriod,
  OpenCase,
  Status,
  Visit,
} from './state.js';
export { ASSISTED, initialState, STATE_SHAPE } from './state.js';
export { eventsToAppend, toHistoryEvent } from './stored.js';
