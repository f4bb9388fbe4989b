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
export { LogSealer, type SealerOptions } from './sealer.js';
export { HeadSigner, headBytes, keyIdOf, LOG_ID, verifyHead } from './signer.js';
export { LOG_MIGRATIONS, migrateLog, type SignedHead, sealedSize, signedHeads, storedSubtrees } from './tables.js';
export { type LogDifference, type LogVerification, verifyLog } from './verify.js';
