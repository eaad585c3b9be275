import { RE2JS } from 're2js'
import type { PinnedReference } from './PinnedReference.js'

/**
 * Finds digest-pinned image references of the given registry hosts in one file's text. Two shapes:
 *
 * - inline: `HOST/OWNER/PACKAGE[:TAG]@sha256:<hex>` anywhere — YAML `image:` values, `docker://` in workflows,
 *   Dockerfile `FROM … AS x` and `COPY --from=…`, HCL strings, shell, JSON;
 * - split (YAML only): the image name and the digest in sibling keys of one mapping, as Kustomize
 *   (`name`/`newName` + `digest`) and Helm charts (`repository` [+ `registry`] + `digest`) write them.
 *
 * Matching is deliberately generous (commented-out lines count too): a pin found by mistake keeps an image,
 * a pin missed deletes one somebody pulls.
 */
export function findReferences(
  text: string,
  file: string,
  hosts: readonly string[],
  options: { yaml?: boolean } = {}
): PinnedReference[] {
  if (hosts.length === 0 || !/sha256:/i.test(text)) return []
  const found: PinnedReference[] = []
  const seen = new Set<string>()
  const add = (ref: PinnedReference): void => {
    const key = `${ref.digest} ${ref.host}/${ref.owner}/${ref.packageName}`
    if (seen.has(key)) return
    seen.add(key)
    found.push(ref)
  }
  const lineStarts = lineOffsets(text)
  const inline = inlinePattern(hosts)
  for (const m of inline.matchAll(text)) {
    const ref = toReference(m[2], m[3], m[4], m[5], file, lineAt(lineStarts, m.index ?? 0), m[1])
    if (ref) add(ref)
  }
  if (options.yaml ?? /\.ya?ml$/i.test(file)) {
    for (const ref of splitYamlReferences(text.split(/\r?\n/), file, hosts)) add(ref)
  }
  return found
}

// The OCI distribution name grammar (path components), read case-insensitively: people write `ghcr.io/MyOrg/app`.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const PATH = `${COMPONENT}(?:/${COMPONENT})+`
const TAG = '[a-z0-9_][a-z0-9_.-]{0,127}'
const HEX = '[0-9a-f]{64}'

function hostAlternation(hosts: readonly string[]): string {
  return hosts.map(h => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
}

/**
 * The text is a repository's file (data, up to 1 MiB), so it is scanned on RE2 in one linear pass: JavaScript's
 * RegExp restarts at every host occurrence and took 13 s on an 80 kB line of `ghcr.io/a/` repeated.
 */
function inlinePattern(hosts: readonly string[]): RE2JS {
  // Not preceded by a host character, so `notghcr.io/…` is not `ghcr.io/…`; `docker://ghcr.io/…` is. The
  // character after the digest is consumed rather than looked at: it is never the start of the next reference.
  return RE2JS.compile(
    `(?i)(?<![a-z0-9.-])((${hostAlternation(hosts)})/(${PATH})(?::(${TAG}))?@sha256:(${HEX}))(?:[^0-9a-z]|$)`,
    RE2JS.LOOKBEHINDS
  )
}

function toReference(
  host: string,
  path: string,
  tag: string | undefined,
  hex: string,
  file: string,
  line: number,
  reference: string
): PinnedReference | undefined {
  const parts = path.toLowerCase().split('/')
  if (parts.length < 2) return undefined
  return {
    digest: `sha256:${hex.toLowerCase()}`,
    host: host.toLowerCase(),
    owner: parts[0],
    packageName: parts.slice(1).join('/'),
    ...(tag ? { tag } : {}),
    file,
    line,
    reference
  }
}

function lineOffsets(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid] <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

interface YamlKey {
  /** Column of the key (after any `- ` list markers). */
  readonly column: number
  /** The line opens a list item whose mapping starts with this key. */
  readonly item: boolean
  readonly key: string
  readonly value: string
}

// On RE2: with JavaScript's RegExp the lazy value before `\s*$` made a line of spaces cubic (12 s for 40 kB).
const KEY_LINE = RE2JS.compile('^(\\s*)((?:-\\s+)*)([A-Za-z_][\\w.-]*)\\s*:(?:\\s+(.*?))?\\s*$')

function yamlKey(line: string): YamlKey | undefined {
  const m = KEY_LINE.exec(line)
  if (!m) return undefined
  let value = m[4] ?? ''
  const comment = /\s#/.exec(value)
  if (comment) value = value.slice(0, comment.index)
  value = value.trim()
  if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1)
  return { column: m[1].length + m[2].length, item: m[2].length > 0, key: m[3].toLowerCase(), value }
}

/** Column of the first non-blank character, or undefined for blank and comment lines. */
function contentColumn(line: string): number | undefined {
  const m = /^(\s*)(\S)/.exec(line)
  if (!m || m[2] === '#') return undefined
  return m[1].length
}

/** The sibling keys of the mapping that holds line `at` (same column, same list item). */
function siblings(lines: readonly string[], at: number, own: YamlKey): Map<string, string> {
  const keys = new Map<string, string>()
  const collect = (k: YamlKey): void => {
    if (!keys.has(k.key)) keys.set(k.key, k.value)
  }
  if (!own.item) {
    for (let i = at - 1; i >= 0; i--) {
      const column = contentColumn(lines[i])
      if (column === undefined) continue
      const k = yamlKey(lines[i])
      if (k && k.column === own.column) {
        collect(k)
        if (k.item) break
        continue
      }
      if (column < own.column) break
    }
  }
  for (let i = at + 1; i < lines.length; i++) {
    const column = contentColumn(lines[i])
    if (column === undefined) continue
    if (column < own.column) break
    const k = yamlKey(lines[i])
    if (k && k.column === own.column) {
      if (k.item) break
      collect(k)
    }
  }
  return keys
}

const DIGEST_VALUE = new RegExp(`^sha256:(${HEX})$`, 'i')

function splitYamlReferences(
  lines: readonly string[],
  file: string,
  hosts: readonly string[]
): PinnedReference[] {
  const name = RE2JS.compile(`(?i)^(${hostAlternation(hosts)})/(${PATH})(?::(${TAG}))?$`)
  const hostOnly = new RegExp(`^(${hostAlternation(hosts)})/?$`, 'i')
  const out: PinnedReference[] = []
  lines.forEach((line, i) => {
    if (!/digest/i.test(line)) return
    const own = yamlKey(line)
    if (!own || own.key !== 'digest') return
    const digest = DIGEST_VALUE.exec(own.value)
    if (!digest) return
    const keys = siblings(lines, i, own)
    const registry = keys.get('registry')
    const candidates = [keys.get('newname'), keys.get('name'), keys.get('repository'), keys.get('image')]
    if (registry && hostOnly.test(registry) && keys.get('repository')) {
      candidates.unshift(`${registry.replace(/\/$/, '')}/${keys.get('repository')}`)
    }
    for (const c of candidates) {
      const m = c ? name.exec(c) : null
      if (!m) continue
      const tag = m[3] ?? keys.get('newtag') ?? keys.get('tag') ?? undefined
      const tagOk = tag !== undefined && new RegExp(`^${TAG}$`, 'i').test(tag)
      const reference = `${m[1]}/${m[2]}${tagOk ? `:${tag}` : ''}@sha256:${digest[1]}`
      const ref = toReference(m[1], m[2], tagOk ? tag : undefined, digest[1], file, i + 1, reference)
      if (ref) out.push(ref)
      break
    }
  })
  return out
}
