import type { Decision, Role } from '../planner/Decision.js'
import type { Plan } from '../planner/Plan.js'
import type { Outcome, VersionOutcome } from './outcome.js'
import { displayTag, shortDigest } from './markdown.js'

/** Above this many nodes (tags + versions) a graph stops explaining and starts hiding; the table remains. */
export const MERMAID_MAX_NODES = 40

const DESCRIBES: ReadonlySet<Role> = new Set(['attestation', 'signature', 'sbom', 'referrer'])

/** Colours from GitHub's Primer palette, legible in light and dark themes. */
const CLASS_DEFS = [
  'classDef tag fill:#ddf4ff,stroke:#0969da,color:#0a3069',
  'classDef kept fill:#dafbe1,stroke:#1a7f37,color:#0f2e17',
  'classDef deleted fill:#ffebe9,stroke:#cf222e,color:#5c0a0f,stroke-dasharray:5 3',
  'classDef pending fill:#fff8c5,stroke:#9a6700,color:#3b2300'
]

export const MERMAID_LEGEND =
  'Green: kept · red, dashed: deleted · amber: planned for deletion but still there (refused, failed, deferred ' +
  'or held back). Solid arrows: tag → index → platform image; dotted arrows: to the attestations, signatures ' +
  'and SBOMs of an image.'

/**
 * Mermaid label text: quotes, angle brackets and backticks (which open a Markdown label) become Mermaid's
 * entity codes so a label cannot close its node or carry markup; `#` first, so data cannot spell a code itself.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/["<>`&]/g, c => `#${c.charCodeAt(0)};`)
}

function classFor(outcome: Outcome | undefined): string {
  if (outcome === undefined || outcome === 'kept') return 'kept'
  return outcome === 'deleted' || outcome === 'gone' ? 'deleted' : 'pending'
}

export function mermaidNodeCount(plan: Plan): number {
  return plan.decisions.reduce((n, d) => n + 1 + d.tags.length, 0)
}

/**
 * A `graph LR` of one package: tag nodes point at the version they name, an index at its platform images, and
 * a dotted arrow leads from an image to its attestations, signatures and SBOMs. Node ids are positional (`t0`, `v0`)
 * so no tag or digest character can break the syntax. Undefined when the package is too big to draw usefully.
 */
export function renderMermaid(
  plan: Plan,
  outcomes: ReadonlyMap<number, VersionOutcome>,
  maxNodes = MERMAID_MAX_NODES
): string | undefined {
  if (plan.decisions.length === 0 || mermaidNodeCount(plan) > maxNodes) return undefined
  const id = new Map<string, string>()
  plan.decisions.forEach((d, i) => {
    if (!id.has(d.digest)) id.set(d.digest, `v${i}`)
  })
  const lines = ['graph LR', ...CLASS_DEFS.map(c => '  ' + c)]
  let t = 0
  for (const d of plan.decisions) {
    const v = id.get(d.digest)!
    lines.push(`  ${v}${shape(d, label(d))}:::${classFor(outcomes.get(d.versionId)?.outcome)}`)
    for (const tag of d.tags) {
      lines.push(`  t${t}(["${mermaidText(displayTag(tag))}"]):::tag --> ${v}`)
      t++
    }
  }
  for (const d of plan.decisions) {
    if (!d.parent || d.parent === d.digest || !id.has(d.parent)) continue
    const from = id.get(d.parent)!
    const to = id.get(d.digest)!
    lines.push(DESCRIBES.has(d.role) ? `  ${from} -.->|${d.role}| ${to}` : `  ${from} --> ${to}`)
  }
  return lines.join('\n')
}

function label(d: Decision): string {
  const parts: string[] = [d.mediaType]
  if (d.platform) parts.push(d.platform)
  else if (d.role !== 'tagged-root' && d.role !== 'platform-image') parts.push(d.role)
  parts.push(shortDigest(d.digest))
  return parts.map(mermaidText).join('<br/>')
}

function shape(d: Decision, text: string): string {
  return DESCRIBES.has(d.role) ? `("${text}")` : `["${text}"]`
}
