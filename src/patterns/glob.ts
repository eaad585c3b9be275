import { RE2JS } from 're2js'
import { PatternError } from './PatternError.js'

/**
 * Globs translated to RE2 syntax and matched by re2js in time linear in the subject. minimatch up to v10 turned a
 * glob into a backtracking RegExp (`*a*a*a*a*a*a*a*b` on a long name took forever); v11 matches stars and extglobs
 * without backtracking but still expands braces into every combination before matching: 22 ranges `{1..2}` take
 * seconds to compile, are cut at 100,000 combinations (silently missing matches) and cost ~100 ms per subject.
 * Here braces become alternations and nothing is expanded, so neither compiling nor matching a glob can hang.
 *
 * The syntax is minimatch's with `dot: true`: `*` (any run, `/` excepted with paths), `?` (one character),
 * `[a-z]`, `[!a]`/`[^a]`, POSIX classes such as `[[:digit:]]`, `{a,b}` and `{1..9}` alternatives, the extglobs
 * `?(a|b)`, `*(a)`, `+(a)`, `@(a|b)`, and `\` escapes. With `paths`, `**` as a whole segment crosses `/` (zero or
 * more segments) and `*` alone in a segment matches at least one character, as in minimatch. `!(…)` and a leading
 * `!` (negation) are refused: RE2 cannot complement, and an exclusion is written in keep-tags. One difference:
 * minimatch expands `a/{b,}/c` to `a//c` and then drops the empty segment; here the empty alternative stays
 * empty, so that glob matches `a/b/c` only.
 */
export interface GlobOptions {
  /** `/` separates segments: `*` and `?` stay within one, `**` crosses them (package names, file paths). */
  readonly paths?: boolean
  /** Match regardless of case (GHCR package names are lower case). */
  readonly nocase?: boolean
}

export interface CompiledGlob {
  readonly source: string
  /** The RE2 translation, anchored by `matches` to the whole subject. */
  readonly re2: string
  /** The plain name the glob stands for when it has no glob syntax (escapes removed); undefined otherwise. */
  readonly literal?: string
  matches(subject: string): boolean
}

/** A brace range such as `{1..200}` expands into this many alternatives at most. */
const MAX_RANGE = 1000

interface Translation {
  re2: string
  magic: boolean
  literal: string
}

const PUNCT = /[!-/:-@[-`{-~]/

function escapeChar(c: string): string {
  return PUNCT.test(c) ? `\\${c}` : c
}

class Translator {
  private magic = false
  private literal = ''

  constructor(
    private readonly s: string,
    private readonly paths: boolean
  ) {}

  run(): Translation {
    const re2 = this.range(0, this.s.length)
    return { re2, magic: this.magic, literal: this.literal }
  }

  private get any(): string {
    return this.paths ? '[^/]' : '.'
  }

  /** True when position `i` starts a path segment. */
  private segmentStart(i: number): boolean {
    return i === 0 || this.s[i - 1] === '/'
  }

  /** Translates s[from, to). */
  private range(from: number, to: number): string {
    const s = this.s
    let out = ''
    let i = from
    while (i < to) {
      const c = s[i]
      if (c === '\\') {
        const next = i + 1 < to ? s[i + 1] : '\\'
        out += escapeChar(next)
        this.literal += next
        i += i + 1 < to ? 2 : 1
        continue
      }
      if ((c === '?' || c === '*' || c === '+' || c === '@' || c === '!') && s[i + 1] === '(') {
        const ext = this.extglob(i, to)
        if (ext) {
          out += ext.re2
          i = ext.end
          continue
        }
      }
      if (c === '*') {
        // A `*` followed by `(` starts an extglob, not part of this run.
        let j = i + 1
        while (j < to && s[j] === '*' && s[j + 1] !== '(') j++
        out += this.star(i, j, to)
        if (this.paths && j - i === 2 && this.segmentStart(i) && s[j] === '/' && j < to) j++
        this.magic = true
        i = j
        continue
      }
      if (c === '?') {
        out += this.any
        this.magic = true
        i++
        continue
      }
      if (c === '[') {
        const cls = this.charClass(i, to)
        if (cls) {
          out += cls.re2
          this.magic = true
          i = cls.end
          continue
        }
      }
      if (c === '{') {
        const brace = this.brace(i, to)
        if (brace) {
          out += brace.re2
          this.magic = true
          i = brace.end
          continue
        }
      }
      out += escapeChar(c)
      this.literal += c
      i++
    }
    return out
  }

  /** A run of stars s[i, j). */
  private star(i: number, j: number, to: number): string {
    if (!this.paths) return '.*'
    if (j - i > 2) {
      // Earlier versions read `***` as `**`, minimatch reads it as `*`: refused rather than quietly changing
      // which packages or pinned files a configuration names.
      throw new PatternError(
        `\`${'*'.repeat(j - i)}\` is ambiguous in a path: write \`**\` for any number of directories or \`*\` ` +
          'for one name.'
      )
    }
    const s = this.s
    const starts = this.segmentStart(i)
    const endsSegment = j === s.length || s[j] === '/'
    // Only a segment of exactly two stars is a globstar: minimatch reads `***` as `*`.
    if (j - i === 2 && starts && endsSegment) {
      // `**/` is zero or more whole segments; a trailing `**` (or the whole pattern) is anything below.
      if (j < to && s[j] === '/') return '(?:[^/]*/)*'
      return '.*'
    }
    // minimatch: a segment that is only `*` does not match an empty segment (`a/*` does not match `a/`).
    return starts && endsSegment ? '[^/]+' : '[^/]*'
  }

  /** `[...]` starting at i, or undefined when it does not close (then `[` is a literal). */
  private charClass(i: number, to: number): { re2: string; end: number } | undefined {
    const s = this.s
    let j = i + 1
    let negate = false
    if (s[j] === '!' || s[j] === '^') {
      negate = true
      j++
    }
    let body = ''
    let first = true
    while (j < to) {
      const c = s[j]
      if (c === ']' && !first) {
        const exclude = this.paths && negate ? '/' : ''
        if (body === '' && exclude === '') return undefined
        return { re2: `[${negate ? '^' : ''}${body}${exclude ? '\\/' : ''}]`, end: j + 1 }
      }
      first = false
      if (c === '[' && s[j + 1] === ':') {
        const close = s.indexOf(':]', j + 2)
        if (close > 0 && close < to && /^[a-z]+$/.test(s.slice(j + 2, close))) {
          body += s.slice(j, close + 2)
          j = close + 2
          continue
        }
      }
      if (c === '\\' && j + 1 < to) {
        body += escapeChar(s[j + 1])
        j += 2
        continue
      }
      if (c === '-' && body !== '' && j + 1 < to && s[j + 1] !== ']') {
        body += '-'
        j++
        continue
      }
      body += escapeChar(c)
      j++
    }
    return undefined
  }

  /** `{a,b}` or `{1..3}` starting at i, or undefined when it is not one (then `{` is a literal). */
  private brace(i: number, to: number): { re2: string; end: number } | undefined {
    const s = this.s
    const group = this.group(i, to, '{', '}', ',')
    if (!group) return undefined
    const { end, separators: commas } = group
    if (commas.length === 0) {
      const items = expandRange(s.slice(i + 1, end))
      if (!items) return undefined
      return { re2: `(?:${items.map(item => [...item].map(escapeChar).join('')).join('|')})`, end: end + 1 }
    }
    const bounds = [i, ...commas, end]
    const alts: string[] = []
    for (let k = 0; k + 1 < bounds.length; k++) alts.push(this.range(bounds[k] + 1, bounds[k + 1]))
    return { re2: `(?:${alts.join('|')})`, end: end + 1 }
  }

  /**
   * The group opened at `open` (s[open] is `opener`): where it closes and its top-level separators, skipping
   * escaped characters and nested groups; undefined when it does not close before `to`.
   */
  private group(
    open: number,
    to: number,
    opener: string,
    closer: string,
    separator: string
  ): { end: number; separators: number[] } | undefined {
    const s = this.s
    let depth = 0
    const separators: number[] = []
    for (let j = open; j < to; j++) {
      const c = s[j]
      if (c === '\\') {
        j++
        continue
      }
      if (c === opener) depth++
      else if (c === closer) {
        depth--
        if (depth === 0) return { end: j, separators }
      } else if (c === separator && depth === 1) separators.push(j)
    }
    return undefined
  }

  /** `?(…)`, `*(…)`, `+(…)`, `@(…)` starting at i; `!(…)` is refused; undefined when unclosed. */
  private extglob(i: number, to: number): { re2: string; end: number } | undefined {
    const s = this.s
    const group = this.group(i + 1, to, '(', ')', '|')
    if (!group) return undefined
    const { end, separators: bars } = group
    const kind = s[i]
    if (kind === '!') {
      throw new PatternError(
        'The negated extglob `!(…)` is not supported; to keep tags out of a deletion, list them in `keep-tags` (keep wins over delete).'
      )
    }
    this.magic = true
    const bounds = [i + 1, ...bars, end]
    const alts: string[] = []
    for (let k = 0; k + 1 < bounds.length; k++) alts.push(this.range(bounds[k] + 1, bounds[k + 1]))
    const quantifier = kind === '?' ? '?' : kind === '*' ? '*' : kind === '+' ? '+' : ''
    return { re2: `(?:${alts.join('|')})${quantifier}`, end: end + 1 }
  }
}

/** The items of a brace range body (`1..5`, `01..10..3`, `a..e`), or undefined when it is not a range. */
function expandRange(body: string): string[] | undefined {
  const numeric = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(body)
  const alpha = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/.exec(body)
  const m = numeric ?? alpha
  if (!m) return undefined
  const from = numeric ? Number(m[1]) : m[1].charCodeAt(0)
  const to = numeric ? Number(m[2]) : m[2].charCodeAt(0)
  const step = Math.abs(Number(m[3] ?? 1)) || 1
  const count = Math.floor(Math.abs(to - from) / step) + 1
  if (count > MAX_RANGE) {
    throw new PatternError(`The brace range {${body}} has ${count} items; at most ${MAX_RANGE} are allowed.`)
  }
  const width = numeric && /^-?0\d/.test(m[1] + '|' + m[2]) ? Math.max(m[1].length, m[2].length) : 0
  const items: string[] = []
  const dir = to >= from ? 1 : -1
  for (let k = 0, v = from; k < count; k++, v += dir * step) {
    if (!numeric) items.push(String.fromCharCode(v))
    else if (width > 0)
      items.push((v < 0 ? '-' : '') + String(Math.abs(v)).padStart(width - (v < 0 ? 1 : 0), '0'))
    else items.push(String(v))
  }
  return items
}

/** Translates a glob to RE2 syntax; throws PatternError for what cannot be matched in linear time. */
export function globToRe2(glob: string, options: GlobOptions = {}): Translation {
  if (glob.startsWith('!') && !glob.startsWith('!(')) {
    throw new PatternError(
      'Negated patterns are not supported; to keep something out, list it where it is protected (for tags, `keep-tags`: keep wins over delete).'
    )
  }
  return new Translator(glob, options.paths ?? false).run()
}

/** Compiles a glob once for many matches; throws PatternError when it cannot be used. */
export function compileGlob(glob: string, options: GlobOptions = {}): CompiledGlob {
  const t = globToRe2(glob, options)
  const flags = `${options.nocase ? 'i' : ''}${options.paths ? '' : 's'}`
  let re: RE2JS
  try {
    re = RE2JS.compile(flags ? `(?${flags})${t.re2}` : t.re2)
  } catch (e) {
    const message = (e as Error).message.replace(/^error parsing regexp: /, '')
    throw new PatternError(`Not a valid glob (${message}).`)
  }
  return {
    source: glob,
    re2: t.re2,
    ...(t.magic ? {} : { literal: t.literal }),
    matches: subject => re.testExact(subject)
  }
}
