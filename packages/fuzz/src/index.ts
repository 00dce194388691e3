/**
 * @shoal/fuzz — test-only helpers for the fuzz suites (docs/fuzzing.md): case counts,
 * mutations of valid inputs, and the typed-outcome and allocation checks.
 */
export { CI_RUNS, fuzzRuns, fuzzParameters } from './runs.js'
export { mutatedBytes, hostileBytes, mutatedText, hostileText } from './mutate.js'
export { typedOutcome, typedOutcomeAsync, UntypedFailureError, type Outcome } from './typed.js'
export { leaseFieldsArb, targetArb, timeArb, type LeaseFields, type TargetOf } from './lease-arbitraries.js'
export { comparable } from './comparable.js'
export { allocatedBy, allocatedByAsync } from './heap.js'
