/** The planner's public surface: pure functions over versions, manifests and a policy. */
export { plan } from './planner.js'
export { nextFetches, readPhase, ReadPhase } from './fetchPlan.js'
export {
  compilePolicy,
  type RawPolicyInputs,
  type PolicyInputName,
  type CompilePolicyOptions
} from './compilePolicy.js'
export { parseDuration, formatDuration } from './Duration.js'
export { compileTagPattern, compileTagPatterns, splitPatternList } from './TagMatcher.js'
export { parseReferrerTag, type ReferrerTag, type ReferrerTagKind } from './ReferrerTags.js'
export { exceedsMaxDeletions } from './safetyCap.js'
export { PolicyError } from './PolicyError.js'
export type { Plan, PlanInput, PlanWarning, WarningKind } from './Plan.js'
export type { ManifestFact } from '../model/ManifestFact.js'
export type { Decision, Role, Action } from './Decision.js'
export { DEFAULT_POLICY, type Policy, type TagMatcher, type AgeBy, type MaxDeletions } from './Policy.js'
