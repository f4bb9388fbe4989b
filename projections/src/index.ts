export type { AlertQueue, QueuedAlert } from './alerts.js';
export { alertQueue } from './alerts.js';
export type { AsOf, NamedArea } from './area-names.js';
export { AreaDirectory } from './area-names.js';
export { areaCondition } from './areas.js';
export type { HouseholdIdentifiers, PeopleAtCutoff, RectifyingEvent, RegistryFrame } from './assessment.js';
export { householdIdentifiers, rectifyingEvents, registryFrame } from './assessment.js';
export type { Division } from './divisions.js';
export { DivisionRegister, REGISTER_VINTAGE } from './divisions.js';
export type { FollowerOptions } from './follower.js';
export { RegistryVersionFollower } from './follower.js';
export type { IndicatorsWay } from './indicator-ways.js';
export type { AreaIndicators } from './indicators.js';
export { areaIndicators, indicatorsWay } from './indicators.js';
export { buildIndexes, RUNNER_MIGRATIONS, referenceTables, registryIndexes, registryTables } from './migrations.js';
export type { MonitoringIndicators, MonitoringWay } from './monitoring-indicators.js';
export { monitoringIndicators } from './monitoring-indicators.js';
export type {
  RawSnapshotHousehold,
  SnapshotHousehold,
  SnapshotQuery,
  SnapshotRow,
  SnapshotTotals,
} from './queries.js';
export { registryAsOf, snapshotSql, snapshotTotals, toSnapshotHousehold } from './queries.js';
export { poorVillages, ReferenceProjection } from './reference-projection.js';
export type { StoredState } from './registry-projection.js';
export { EventProjectionError, RegistryProjection } from './registry-projection.js';
export type { IncomingMove, ReviewItem } from './review.js';
export { closedHouseholdsOf, comparisonReviewList, incomingMoves } from './review.js';
export type { AuditQuery, AuditRow, KeysetPage, RollQuery, RollRow } from './roll.js';
export {
  auditTrail,
  countHouseholds,
  exitedHouseholds,
  findHouseholds,
  HOUSEHOLD_ID,
  loadHouseholds,
} from './roll.js';
export type { EffectiveInterval, RollFields } from './rows.js';
export { effectiveTimeline, rollFields } from './rows.js';
export type { Backlog, Projection, RunnerOptions, RunnerState, RunnerStatus } from './runner.js';
export { CheckpointConflict, isTransient, ProjectionBehind, ProjectionFailed, ProjectionRunner } from './runner.js';
export type { Difference, VerifyReport } from './verify.js';
export { verifyRegistry } from './verify.js';
export {
  activeVersion,
  dropVersion,
  knownVersions,
  nextVersion,
  switchVersion,
  unfinishedVersion,
} from './versions.js';
export type { AlertView, HouseholdView } from './view.js';
export { toView, VIEW_VERSION } from './view.js';
export type { WatcherOptions } from './watcher.js';
export { CheckpointWatcher, RegistryVersionWatcher } from './watcher.js';
