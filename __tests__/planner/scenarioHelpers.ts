import type { Decision } from '../../src/planner/Decision.js'
import type { Plan } from '../../src/planner/Plan.js'
import { compilePolicy, type RawPolicyInputs } from '../../src/planner/compilePolicy.js'
import { plan } from '../../src/planner/planner.js'
import type { Policy } from '../../src/planner/Policy.js'
import { dg, type PackageBuilder } from './packageBuilder.js'

export interface Planned {
  readonly plan: Plan
  /** The decision for the version built under `name`. */
  of(name: string): Decision
  /** Names (as built) of the deleted versions, in deleteOrder. */
  deleted(): string[]
  kept(): string[]
}

export function planWith(
  pkg: PackageBuilder,
  inputs: RawPolicyInputs = {},
  extra: Partial<Policy> = {}
): Planned {
  const result = plan(pkg.input(), { ...compilePolicy(inputs), ...extra })
  const nameOf = new Map<string, string>()
  for (const name of pkg.names()) nameOf.set(dg(name), name)
  const byId = new Map(result.decisions.map(d => [d.versionId, d]))
  return {
    plan: result,
    of(name: string): Decision {
      const d = result.decisions.find(x => x.digest === dg(name))
      if (!d) throw new Error(`no version named ${name}`)
      return d
    },
    deleted: () => result.deleteOrder.map(id => nameOf.get(byId.get(id)!.digest)!),
    kept: () => result.decisions.filter(d => d.action === 'keep').map(d => nameOf.get(d.digest)!)
  }
}
