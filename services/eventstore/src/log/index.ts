export { entryBytes, eventHash, StreamChains } from './entry.js';
export {
  consistencyProof,
  EMPTY_ROOT,
  type Hash,
  inclusionProof,
  leafHash,
  nodeHash,
  type PerfectSubtrees,
  rootHash,
  TreeBuilder,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export {
  migrateReads,
  PERSONAL_FIELDS,
  type PersonalField,
  READ_COLUMNS,
  READS_GENESIS,
  READS_MIGRATIONS,
  type ReadDraft,
  type ReadRecord,
  ReadRecorder,
  type ReadsDifference,
  type ReadsVerification,
  readEntryBytes,
  readHash,
  toReadRecord,
  verifyReads,
} from './reads.js';
export { LogSealer, type SealerOptions } from './sealer.js';
export { HeadSigner, headBytes, keyIdOf, LOG_ID, readsHeadBytes, verifyHead, verifySignature } from './signer.js';
export { LOG_MIGRATIONS, migrateLog, type SignedHead, sealedSize, signedHeads, storedSubtrees } from './tables.js';
export { type LogDifference, type LogVerification, verifyLog } from './verify.js';
