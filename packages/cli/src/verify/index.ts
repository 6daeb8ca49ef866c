export {
  type BrokerOptions,
  type Explanation,
  type InteractionReport,
  loadVerifier,
  type PactReport,
  type VerifyOptions,
  type VerifyReport,
  verifyPacts,
} from './engine.ts';
export { formatExplanation, formatReport } from './format.ts';
export { type PactFile, type PactInteraction, pactPaths, readPact } from './pact-file.ts';
export { reorderUrl, zentaoOrder } from './query-order.ts';
export { readStates, resolveState, type StateMapping } from './states.ts';
export { pickTarget, targets, type VerifyTarget, VerifyError } from './twins.ts';
