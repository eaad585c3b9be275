import { compare, parse, type SemVer } from 'semver'
import type { PlanContext } from './PlanContext.js'
import type { KeepSemver } from './Policy.js'
import { PolicyError } from './PolicyError.js'

const FORM =
  'Expected comma-separated limits such as `majors, minors=3, patches=1`: `majors[=N|all]` keeps the newest release of each of the N newest majors, `minors[=N|all]` keeps the newest `patches` releases (default 1) of each of the N newest minor lines.'

type Limit = number | 'all'

/**
 * Parses `keep-semver`. Each entry is `name` (= all) or `name=N|all`; names are `majors`, `minors` and
 * `patches` (singular accepted). `patches` refines `minors`, so it is refused on its own: alone it would
 * silently keep nothing.
 */
export function parseKeepSemver(value: string, prereleases: boolean): KeepSemver | undefined {
  if (value === '') return undefined
  const limits: Partial<Record<'majors' | 'minors' | 'patches', Limit>> = {}
  for (const entry of value.split(/[\s,]+/)) {
    if (entry === '') continue
    const m = /^(majors?|minors?|patch(?:es)?)(?:[=:](\d+|all))?$/i.exec(entry)
    if (!m) throw new PolicyError('keep-semver', value, `'${entry}' is not a limit. ${FORM}`)
    const name = m[1].toLowerCase().startsWith('maj')
      ? 'majors'
      : m[1].toLowerCase().startsWith('min')
        ? 'minors'
        : 'patches'
    if (limits[name] !== undefined)
      throw new PolicyError('keep-semver', value, `'${name}' is given twice. ${FORM}`)
    const raw = (m[2] ?? 'all').toLowerCase()
    const limit: Limit = raw === 'all' ? 'all' : Number(raw)
    if (limit === 0 || (typeof limit === 'number' && !Number.isSafeInteger(limit)))
      throw new PolicyError('keep-semver', value, `'${entry}': a limit is 1 or more, or \`all\`. ${FORM}`)
    limits[name] = limit
  }
  if (limits.majors === undefined && limits.minors === undefined) {
    throw new PolicyError('keep-semver', value, `Give \`majors\` or \`minors\` (or both). ${FORM}`)
  }
  return {
    source: value,
    ...(limits.majors !== undefined ? { majors: limits.majors } : {}),
    ...(limits.minors !== undefined ? { minors: limits.minors } : {}),
    patches: limits.patches ?? 1,
    prereleases
  }
}

/**
 * A tag as a semantic version: strict `MAJOR.MINOR.PATCH[-PRERELEASE]`, optionally prefixed by `v`. No
 * coercion: `semver.coerce` would read `sha-1234567` as 1234567.0.0 and `v1` as 1.0.0, and a tag kept or
 * ranked by a version it does not name surprises.
 */
export function tagVersion(tag: string): SemVer | null {
  return parse(tag)
}

/**
 * Which tags keep-semver selects among `tags` (every image tag of the package's tagged roots), each with why.
 * Selection is by version, so every tag naming a selected version (`1.2.3` and `v1.2.3`) is selected.
 */
export function selectSemverTags(rule: KeepSemver, tags: Iterable<string>): Map<string, string> {
  const tagsOf = new Map<string, string[]>()
  const versions: SemVer[] = []
  for (const tag of tags) {
    const v = tagVersion(tag)
    if (!v || (v.prerelease.length > 0 && !rule.prereleases)) continue
    const known = tagsOf.get(v.version)
    if (known) {
      if (!known.includes(tag)) known.push(tag)
      continue
    }
    tagsOf.set(v.version, [tag])
    versions.push(v)
  }
  // Newest first; versions are distinct by `version`, so the order is total.
  versions.sort((a, b) => compare(b, a))

  const why = new Map<string, string>()
  const select = (v: SemVer, reason: string) => {
    if (why.has(v.version)) return
    why.set(v.version, reason)
  }
  const within = (limit: Limit, rank: number) => limit === 'all' || rank < limit

  if (rule.majors !== undefined) {
    let rank = -1
    let major = -1
    for (const v of versions) {
      if (v.major === major) continue
      major = v.major
      rank++
      if (!within(rule.majors, rank)) break
      select(v, `newest release of major ${v.major} (keep-semver ${describe(rule)})`)
    }
  }
  if (rule.minors !== undefined) {
    let rank = -1
    let line = ''
    let inLine = 0
    for (const v of versions) {
      const l = `${v.major}.${v.minor}`
      if (l !== line) {
        line = l
        rank++
        inLine = 0
        if (!within(rule.minors, rank)) break
      }
      if (within(rule.patches, inLine)) {
        const place = inLine === 0 ? 'newest release' : `#${inLine + 1} newest release`
        select(v, `${place} of minor line ${l} (keep-semver ${describe(rule)})`)
      }
      inLine++
    }
  }

  const out = new Map<string, string>()
  for (const [version, reason] of why) for (const tag of tagsOf.get(version)!) out.set(tag, reason)
  return out
}

/** The rule as a user reads it back, normalized: `majors=all, minors=3, patches=1`. */
export function describe(rule: KeepSemver): string {
  const parts: string[] = []
  if (rule.majors !== undefined) parts.push(`majors=${rule.majors}`)
  if (rule.minors !== undefined) parts.push(`minors=${rule.minors}`, `patches=${rule.patches}`)
  return parts.join(', ')
}

/** keep-semver that finds no release in a package with image tags is most likely a tag scheme it cannot read. */
export function warnIfNoRelease(
  ctx: PlanContext,
  rule: KeepSemver,
  selected: ReadonlyMap<string, string>
): void {
  if (selected.size > 0) return
  let tagCount = 0
  for (let i = 0; i < ctx.g.size; i++) tagCount += ctx.g.rootTags[i].length
  if (tagCount === 0) return
  ctx.warnings.push({
    kind: 'rule-matched-nothing',
    message: `keep-semver '${rule.source}' finds no release among the ${tagCount} tags of ${ctx.packageName} (it reads \`1.2.3\` or \`v1.2.3\`${rule.prereleases ? '' : '; prereleases only with keep-semver-prereleases'}).`
  })
}
