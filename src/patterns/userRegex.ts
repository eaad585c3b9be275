import { RE2JS } from 're2js'
import { PatternError } from './PatternError.js'

/**
 * Regular expressions written by the user (keep-tags, delete-tags, group-by) run on RE2 (re2js, pure JavaScript):
 * matching takes time linear in the tag, whatever the pattern, so `/(a+)+$/` against a long tag cannot hang a
 * run the way JavaScript's backtracking RegExp does. RE2 has no lookaround and no backreferences; those are
 * refused here with a pointer to keep-tags, which is how a tag is excluded.
 */
export type UserRegex = RE2JS

/** Flags a user regex may carry: i, m, s as in JavaScript; u is accepted and changes nothing (RE2 reads Unicode). */
export const USER_REGEX_FLAGS = /^[imsu]*$/

const EXCLUDE_HINT =
  'Patterns use RE2 syntax, which matches in linear time and has no lookaround or backreferences; to keep tags out of a deletion, list them in `keep-tags` (keep wins over delete).'

/** Lookaround and backreferences outside a character class, which RE2 cannot do; undefined when none. */
function unsupportedSyntax(body: string): string | undefined {
  let inClass = false
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === '\\') {
      const next = body[i + 1] ?? ''
      if (!inClass && /[1-9]/.test(next)) return `The backreference \`\\${next}\``
      if (!inClass && next === 'k' && body[i + 2] === '<') return 'The named backreference `\\k<…>`'
      i++
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      continue
    }
    if (c === '[') {
      inClass = true
      // A `]` first in the class (or after `^`) is a literal, not the end.
      if (body[i + 1] === '^') i++
      if (body[i + 1] === ']') i++
      continue
    }
    if (c !== '(' || body[i + 1] !== '?') continue
    const rest = body.slice(i + 2, i + 4)
    if (rest.startsWith('=')) return 'The lookahead `(?=…)`'
    if (rest.startsWith('!')) return 'The negative lookahead `(?!…)`'
    if (rest === '<=') return 'The lookbehind `(?<=…)`'
    if (rest === '<!') return 'The negative lookbehind `(?<!…)`'
  }
  return undefined
}

/**
 * Compiles `body` with JavaScript-style `flags` on RE2, or throws PatternError saying what is wrong. The result
 * is not anchored: callers use `testExact` for a whole-tag match or `exec` for a search with submatches.
 */
export function compileUserRegex(body: string, flags: string): UserRegex {
  if (!USER_REGEX_FLAGS.test(flags)) {
    throw new PatternError(`Unsupported regex flags '${flags}': RE2 takes i, m and s.`)
  }
  const unsupported = unsupportedSyntax(body)
  if (unsupported) throw new PatternError(`${unsupported} is not supported. ${EXCLUDE_HINT}`)
  let prefix = ''
  for (const f of new Set(flags)) if (f !== 'u') prefix += f
  try {
    return RE2JS.compile(prefix ? `(?${prefix})${body}` : body)
  } catch (e) {
    const message = (e as Error).message.replace(/^error parsing regexp: /, '')
    throw new PatternError(`Not a valid regular expression in RE2 syntax (${message}).`)
  }
}
