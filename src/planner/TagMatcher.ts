import { compileGlob } from '../patterns/glob.js'
import { PatternError } from '../patterns/PatternError.js'
import { compileUserRegex, type UserRegex } from '../patterns/userRegex.js'
import type { TagMatcher } from './Policy.js'
import { PolicyError } from './PolicyError.js'

const PATTERN_FORM =
  'Expected a glob such as `v*` or `pr-?*`, or a regular expression in RE2 syntax written `/^v\\d+$/` (optionally with flags i, m, s), which must match the whole tag.'

/**
 * Splits a pattern-list input on newlines and commas, trimming entries and dropping blanks. A `/regex/flags`
 * entry is read as a whole, so commas inside it (`/^v\d{1,3}$/`) do not split it.
 */
export function splitPatternList(value: string): string[] {
  const out: string[] = []
  let i = 0
  const n = value.length
  while (i < n) {
    while (i < n && /[\s,]/.test(value[i])) i++
    if (i >= n) break
    if (value[i] === '/') {
      const end = regexEnd(value, i)
      if (end > i) {
        out.push(value.slice(i, end))
        i = end
        continue
      }
    }
    let j = i
    while (j < n && value[j] !== ',' && value[j] !== '\n') j++
    const item = value.slice(i, j).trim()
    if (item) out.push(item)
    i = j
  }
  return out
}

/**
 * End (exclusive) of a `/body/flags` literal starting at `start`, or -1 when none closes before a separator.
 * Honours backslash escapes and `[...]` classes, so `/a\/b/` and `/[/]x/` read as one regex.
 */
function regexEnd(value: string, start: number): number {
  let inClass = false
  for (let i = start + 1; i < value.length; i++) {
    const c = value[i]
    if (c === '\n') return -1
    if (c === '\\') {
      i++
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      continue
    }
    if (c === '[') inClass = true
    else if (c === '/') {
      let j = i + 1
      while (j < value.length && /[a-z]/i.test(value[j])) j++
      let k = j
      while (k < value.length && (value[k] === ' ' || value[k] === '\t' || value[k] === '\r')) k++
      if (k >= value.length || value[k] === ',' || value[k] === '\n') return j
    }
  }
  return -1
}

/**
 * Compiles one pattern. Both forms run on RE2 (src/patterns), in time linear in the tag whatever the pattern:
 * a glob is translated to RE2 syntax once and reused for every tag; `/body/flags` is a regular expression in RE2
 * syntax that must match the whole tag, because a partial match (`/v1/` matching `v10-rc`) surprises.
 */
export function compileTagPattern(pattern: string, input: string): TagMatcher {
  const regex = /^\/(.*)\/([a-zA-Z]*)$/s.exec(pattern)
  if (regex) {
    const [, body, flags] = regex
    if (body === '') throw new PolicyError(input, pattern, 'The regular expression is empty. ' + PATTERN_FORM)
    let re: UserRegex
    try {
      re = compileUserRegex(body, flags)
    } catch (e) {
      if (e instanceof PatternError) throw new PolicyError(input, pattern, `${e.reason} ${PATTERN_FORM}`)
      throw e
    }
    return { source: pattern, matches: tag => re.testExact(tag) }
  }
  if (pattern.startsWith('!')) {
    throw new PolicyError(
      input,
      pattern,
      'Negated patterns are not supported: list the tags to protect in `keep-tags` instead (keep wins over delete).'
    )
  }
  if (/\s/.test(pattern)) {
    throw new PolicyError(
      input,
      pattern,
      'Tags never contain spaces; separate patterns with commas or newlines. ' + PATTERN_FORM
    )
  }
  let glob
  try {
    glob = compileGlob(pattern)
  } catch (e) {
    if (e instanceof PatternError) throw new PolicyError(input, pattern, `${e.reason} ${PATTERN_FORM}`)
    throw e
  }
  // A pattern without wildcards is a plain comparison.
  const literal = glob.literal
  if (literal !== undefined) return { source: pattern, matches: tag => tag === literal }
  return { source: pattern, matches: tag => glob.matches(tag) }
}

/** Compiles every pattern of a list input; throws PolicyError naming `input` at the first bad one. */
export function compileTagPatterns(patterns: readonly string[], input: string): TagMatcher[] {
  return patterns.map(p => compileTagPattern(p, input))
}

/** The first matcher that matches `tag`, or undefined. */
export function firstMatch(matchers: readonly TagMatcher[], tag: string): TagMatcher | undefined {
  for (const m of matchers) if (m.matches(tag)) return m
  return undefined
}
