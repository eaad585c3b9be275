import type { RawManifest } from '../registry/RegistryClient.js'

/**
 * The cross-run manifest cache file: raw manifest bytes by digest, with the last time a run used each. A
 * manifest fetched by digest never changes (distribution/distribution#211: "digest urls can be cached forever"),
 * so an entry can only be wrong by being corrupt — and every entry is verified against its digest before use.
 */
export const CACHE_SCHEMA = 'ghcr-retention/manifests@1'

export interface CacheEntry extends RawManifest {
  /** Epoch ms of the last run that used (read or was served) this manifest. */
  readonly usedAt: number
}

export interface CacheLimits {
  readonly maxEntries: number
  /** Bytes of the encoded file. */
  readonly maxBytes: number
}

/** Enough for a 100,000-version package's reads (§9: roughly half the versions) in a few tens of MiB. */
export const DEFAULT_CACHE_LIMITS: CacheLimits = { maxEntries: 50_000, maxBytes: 64 * 1024 * 1024 }

interface FileEntry {
  d: string
  t?: string
  u: number
  b: string
}

/** Fixed cost of one entry in the file besides its base64 body (keys, digest, type, time). */
const ENTRY_OVERHEAD = 200

function encodedSize(e: CacheEntry): number {
  return Math.ceil(e.bytes.length / 3) * 4 + (e.contentType?.length ?? 0) + ENTRY_OVERHEAD
}

/** Most recently used first, cut to the limits (LRU): what a package still needs stays, the rest ages out. */
export function boundEntries(
  entries: Iterable<CacheEntry>,
  limits: CacheLimits = DEFAULT_CACHE_LIMITS
): CacheEntry[] {
  const sorted = [...entries].sort((a, b) => b.usedAt - a.usedAt || (a.digest < b.digest ? -1 : 1))
  const kept: CacheEntry[] = []
  let bytes = 64
  for (const e of sorted) {
    if (kept.length >= limits.maxEntries) break
    const size = encodedSize(e)
    if (bytes + size > limits.maxBytes) continue
    bytes += size
    kept.push(e)
  }
  return kept
}

export function encodeCache(entries: readonly CacheEntry[]): string {
  return [...encodeCachePieces(entries)].join('')
}

/**
 * The cache file in pieces of about `pieceChars` characters, made as they are read: together they are exactly
 * {@link encodeCache}'s text, without 50,000 base64 bodies and the whole document in memory at once (at
 * 100,000 versions the file is about 50 MB; issue 18, bounded memory).
 */
export function* encodeCachePieces(
  entries: readonly CacheEntry[],
  pieceChars = 256 * 1024
): Generator<string> {
  let piece = `{"schema":${JSON.stringify(CACHE_SCHEMA)},"entries":[`
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]
    const line: FileEntry = {
      d: e.digest,
      ...(e.contentType ? { t: e.contentType } : {}),
      u: e.usedAt,
      b: Buffer.from(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength).toString('base64')
    }
    piece += (i > 0 ? ',' : '') + JSON.stringify(line)
    if (piece.length < pieceChars) continue
    yield piece
    piece = ''
  }
  yield piece + ']}'
}

export interface DecodedCache {
  readonly entries: CacheEntry[]
  /** Why the file was ignored as a whole, when it was (unreadable JSON, another schema). */
  readonly ignored?: string
  /** Entries dropped because their shape was wrong (their bytes are checked later, by the registry client). */
  readonly malformed: number
}

/** One entry of the file as read, or why it is not usable (its bytes are checked later, by the registry client). */
function toEntry(raw: unknown): CacheEntry | undefined {
  const e = raw as Partial<FileEntry> | null
  if (
    !e ||
    typeof e.d !== 'string' ||
    typeof e.b !== 'string' ||
    typeof e.u !== 'number' ||
    (e.t !== undefined && typeof e.t !== 'string')
  ) {
    return undefined
  }
  return {
    digest: e.d,
    bytes: new Uint8Array(Buffer.from(e.b, 'base64')),
    ...(e.t ? { contentType: e.t } : {}),
    usedAt: e.u
  }
}

/** Never throws: a corrupt cache is an empty cache, and the run reads from the registry as if cold. */
export function decodeCache(text: string): DecodedCache {
  const entries: CacheEntry[] = []
  let malformed = 0
  const summary = decodeCacheEntries(text, e => {
    if (e) entries.push(e)
    else malformed++
  })
  return summary.ignored !== undefined
    ? { entries: [], malformed: 0, ignored: summary.ignored }
    : { entries, malformed }
}

/**
 * The entries of a cache file handed to `onEntry` one at a time (undefined for a malformed one), so a caller
 * can use each and let it go: at 100,000 versions the file holds 50,000 base64 bodies, and parsing the whole
 * document at once held them all next to their decoded bytes (issue 18, bounded memory). The file as
 * {@link encodeCachePieces} writes it is scanned entry by entry; any other shape is parsed whole, with the same
 * result. Returns why the file was ignored, when it was; then `onEntry` was not called.
 */
export function decodeCacheEntries(
  text: string,
  onEntry: (entry: CacheEntry | undefined) => void
): { readonly ignored?: string } {
  const head = `{"schema":${JSON.stringify(CACHE_SCHEMA)},"entries":[`
  if (text.startsWith(head)) {
    const objects = scanObjects(text, head.length)
    if (objects) {
      for (const [start, end] of objects) {
        let raw: unknown
        try {
          raw = JSON.parse(text.slice(start, end))
        } catch {
          raw = undefined
        }
        onEntry(toEntry(raw))
      }
      return {}
    }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return { ignored: `not JSON (${(error as Error).message})` }
  }
  const file = parsed as { schema?: unknown; entries?: unknown }
  if (
    typeof file !== 'object' ||
    file === null ||
    file.schema !== CACHE_SCHEMA ||
    !Array.isArray(file.entries)
  ) {
    return { ignored: `not a ${CACHE_SCHEMA} file` }
  }
  for (const raw of file.entries as unknown[]) onEntry(toEntry(raw))
  return {}
}

/**
 * Where each top-level object of the entries array starts and ends, from `from` (just after `[`) to the file's
 * closing `]}`: objects separated by commas, strings skipped with their escapes. Undefined as soon as the text is
 * not exactly that (whitespace, nesting, a cut-off file), so the caller parses it whole instead.
 */
function scanObjects(text: string, from: number): [number, number][] | undefined {
  const spans: [number, number][] = []
  let i = from
  if (text.startsWith(']}', i)) return i + 2 === text.length ? spans : undefined
  for (;;) {
    if (text[i] !== '{') return undefined
    const start = i
    let depth = 0
    let inString = false
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (inString) {
        if (c === 0x5c)
          i++ // backslash: the next character is escaped
        else if (c === 0x22) inString = false
      } else if (c === 0x22) inString = true
      else if (c === 0x7b) depth++
      else if (c === 0x7d && --depth === 0) break
    }
    if (i >= text.length) return undefined
    spans.push([start, ++i])
    if (text[i] === ',') {
      i++
      continue
    }
    return text.startsWith(']}', i) && i + 2 === text.length ? spans : undefined
  }
}
