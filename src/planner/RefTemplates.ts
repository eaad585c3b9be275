import { compileGlob, type CompiledGlob } from '../patterns/glob.js'
import { PolicyError } from './PolicyError.js'

/**
 * Tag templates that name a pull request (`pr-{number}`) or a branch (`{branch}`, `branch-{branch}-*`). The
 * rest of a template is a glob with `*` (any run of characters) and `?` (one character). Each side of the
 * placeholder is matched on RE2 (src/patterns/glob.ts), so a template with many stars stays linear per split of
 * the tag; the splits are enumerated here rather than left to a backtracking engine.
 */
export interface PrTagTemplate {
  readonly source: string
  /** The pull request number a tag names, or undefined when the tag is not of this form. */
  numberOf(tag: string): number | undefined
}

export interface BranchTagTemplate {
  readonly source: string
  /**
   * Every sanitised branch name the tag could have been built from (a template with a glob next to `{branch}`
   * can split a tag more than one way); empty when the tag is not of this form.
   */
  branchesOf(tag: string): string[]
}

const FORM_PR =
  'Expected a tag template with `{number}` exactly once, such as `pr-{number}` or `pr-{number}-*` (`*` and `?` are globs).'
const FORM_BRANCH =
  'Expected a tag template with `{branch}` exactly once, such as `branch-{branch}` or `{branch}-*` (`*` and `?` are globs).'

/**
 * docker/metadata-action turns a branch name into a tag by replacing every run of characters outside
 * `[a-zA-Z0-9._-]` with one `-` (case kept): `feature/login` → `feature-login`.
 */
export function sanitizeBranch(name: string): string {
  return name.replace(/[^a-zA-Z0-9._-]+/g, '-')
}

/** One side of a template: only `*` and `?` are globs there, every other character is itself. */
function sideGlob(glob: string): CompiledGlob {
  return compileGlob(glob.replace(/[^*?]/g, c => (/[A-Za-z0-9._-]/.test(c) ? c : `\\${c}`)))
}

function splitTemplate(source: string, placeholder: string, input: string, form: string): [string, string] {
  const parts = source.split(placeholder)
  if (parts.length !== 2) throw new PolicyError(input, source, form)
  const bad = /[\s,[\]{}!/\\]/.exec(parts.join(''))
  if (bad) throw new PolicyError(input, source, `The character '${bad[0]}' cannot be part of a tag. ${form}`)
  return [parts[0], parts[1]]
}

/**
 * `{number}` matches a whole number without leading zeros, never part of a longer run of digits: with
 * `pr-{number}` the tag `pr-50` names pull request 50 and never 5, and `pr-{number}*` reads `pr-50` the same way.
 */
export function compilePrTag(source: string, input = 'pr-tag'): PrTagTemplate {
  const [before, after] = splitTemplate(source, '{number}', input, FORM_PR)
  const head = sideGlob(before)
  const tail = sideGlob(after)
  return {
    source,
    numberOf(tag) {
      // The number is a whole run of digits, so only the runs of the tag are candidates; the last run that fits
      // wins, as a greedy leading `*` would choose (`*-{number}` reads `1-2` as 2).
      let found: number | undefined
      for (let i = 0; i < tag.length;) {
        if (!isDigit(tag, i)) {
          i++
          continue
        }
        let j = i
        while (isDigit(tag, j)) j++
        if (tag[i] !== '0' && head.matches(tag.slice(0, i)) && tail.matches(tag.slice(j))) {
          const n = Number(tag.slice(i, j))
          found = Number.isSafeInteger(n) ? n : undefined
        }
        i = j
      }
      return found
    }
  }
}

function isDigit(tag: string, i: number): boolean {
  const c = tag.charCodeAt(i)
  return c >= 48 && c <= 57
}

const BRANCH_CHAR = /^[a-zA-Z0-9._-]$/

const RELEASE_TAG = /^(?:latest|v?\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.-]*)?)$/

export function compileBranchTag(source: string, input = 'branch-tag'): BranchTagTemplate {
  const [before, after] = splitTemplate(source, '{branch}', input, FORM_BRANCH)
  const head = sideGlob(before)
  const tail = sideGlob(after)
  // A template with no literal text (`{branch}`, as metadata-action's type=ref,event=branch writes it) would
  // read every tag as a branch; release tags (`1.2.3`, `v2`, `latest`) are never taken for one.
  const bare = before.replace(/[*?]/g, '') === '' && after.replace(/[*?]/g, '') === ''
  return {
    source,
    branchesOf(tag) {
      const out: string[] = []
      if (bare && RELEASE_TAG.test(tag)) return out
      // Each split point is tested once on RE2 (linear), so a tag of n characters costs O(n²) whatever the
      // template; registry tags are at most 128 characters.
      const starts: number[] = []
      for (let i = 0; i <= tag.length; i++) if (head.matches(tag.slice(0, i))) starts.push(i)
      if (starts.length === 0) return out
      const ends: number[] = []
      for (let j = 0; j <= tag.length; j++) if (tail.matches(tag.slice(j))) ends.push(j)
      // badBefore[k]: how many characters before k fall outside a sanitised branch name's alphabet.
      const badBefore = new Int32Array(tag.length + 1)
      for (let k = 0; k < tag.length; k++)
        badBefore[k + 1] = badBefore[k] + (BRANCH_CHAR.test(tag[k]) ? 0 : 1)
      for (const i of starts) {
        for (const j of ends) {
          if (j <= i || badBefore[j] !== badBefore[i]) continue
          out.push(tag.slice(i, j))
        }
      }
      return out
    }
  }
}
