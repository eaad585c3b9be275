import type { Policy } from '../planner/Policy.js'

/**
 * The policy for one package with the digests pinned to it added: the same result as compiling the inputs with
 * `compilePolicy(raw, { pinnedDigests })` (which only de-duplicates them), without re-reading the inputs per
 * package. Pins are per package, so a digest pinned as `acme/app@…` does not hold the same bytes in `acme/other`.
 */
export function policyWithPins(policy: Policy, digests: readonly string[]): Policy {
  if (digests.length === 0) return policy
  return { ...policy, pinnedDigests: [...new Set([...policy.pinnedDigests, ...digests])] }
}
