import { compileGlob } from '../patterns/glob.js'
import { PatternError } from '../patterns/PatternError.js'
import { readCacheSettings } from '../cache/cacheSettings.js'
import { readPinSettings } from '../pins/pinSettings.js'
import type { ActionInputName } from '../model/actionInputs.js'
import { readPolicy } from '../planner/compilePolicy.js'
import { parseDuration } from '../planner/Duration.js'
import { MAX_CONCURRENCY } from '../registry/AdaptiveConcurrency.js'
import { defaultRegistryUrl } from '../registry/registryUrl.js'
import { InputError } from './InputError.js'
import { parseServiceUrl } from './serviceUrl.js'
import type { Mode, Settings } from './Settings.js'
import { defaultJournalFile } from '../execute/artifact.js'

/**
 * Reads one input as the runner passes it (`core.getInput` semantics: trimmed, '' when unset). Only names that
 * action.yml declares type-check (src/model/actionInputs.ts is generated from it).
 */
export type ReadInput = (name: ActionInputName) => string

const MAX_RESTORE_WINDOW_MS = 30 * 24 * 3600 * 1000

/** `owner/repo` for pr-tag and branch-tag lookups; undefined when neither the input nor GITHUB_REPOSITORY names one. */
function parseRepository(value: string): { owner: string; repo: string } | undefined {
  if (value === '') return undefined
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value)
  if (!m || m[2] === '.' || m[2] === '..')
    throw new InputError('repository', value, 'a repository written `owner/name`, such as `acme/app`')
  return { owner: m[1], repo: m[2] }
}

/** Splits a list input on newlines and commas; blank entries and surrounding spaces are dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s.length > 0)
}

export function parseBool(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  // The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them.
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, value, '`true` or `false`')
}

export function parsePositiveInt(input: string, value: string, { min = 1, max = 1_000_000 } = {}): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(input, value, `a whole number from ${min} to ${max}`)
  }
  return Number(value)
}

/**
 * A `packages` entry: a GHCR name (letters, digits, `.`, `_`, `-`, `/` between segments) or a glob of one. A
 * literal is sent as a path segment of API and registry URLs, so `.`, `..`, empty segments and URL syntax
 * (`%`, `?` outside a glob, `#`, `\\`) would address something else than a package.
 */
function checkPackagePattern(p: string): void {
  const expected =
    'a package name or glob: letters, digits, `.`, `_`, `-` and the glob characters `* ? [ ] { } !`, with `/` ' +
    'between segments (no empty, `.` or `..` segment, no leading or trailing `/`)'
  if (!/^[A-Za-z0-9._\-/*?[\]{}!]+$/.test(p)) throw new InputError('packages', p, expected)
  if (p.split('/').some(segment => segment === '' || segment === '.' || segment === '..')) {
    throw new InputError('packages', p, expected)
  }
  // Compiled here so a glob that cannot run in linear time (a negation, a huge brace range) fails before any request.
  try {
    compileGlob(p, { paths: true, nocase: true })
  } catch (e) {
    if (!(e instanceof PatternError)) throw e
    throw new InputError('packages', p, `${expected}; ${e.reason.replace(/\.$/, '')}`)
  }
}

/** A file path or name from an input: control characters (a line break) are never part of one. */
function checkPath(input: ActionInputName, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InputError(input, value, 'a path without control characters such as line breaks')
  }
  return value
}

// GitHub logins: alphanumerics and single hyphens, at most 39 characters.
const OWNER_RE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/

/**
 * Reads, validates and normalises every input. Throws InputError (or PolicyError) naming the first bad input;
 * it makes no request, so a bad configuration fails before anything is touched.
 */
export function readSettings(read: ReadInput, env: NodeJS.ProcessEnv): Settings {
  const token = read('token')
  if (!token) {
    throw new InputError(
      'token',
      '',
      'a token: the default `${{ github.token }}`, or a classic PAT with read:packages and delete:packages'
    )
  }
  // It becomes an Authorization header: a space, line break or non-ASCII character would split or break it.
  // The value is never quoted back, not even in an error.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new InputError(
      'token',
      '(hidden)',
      'a token of printable ASCII characters without spaces or line breaks'
    )
  }

  const repository = env.GITHUB_REPOSITORY ?? ''
  const owner = read('owner') || env.GITHUB_REPOSITORY_OWNER || repository.split('/')[0] || ''
  if (!OWNER_RE.test(owner)) {
    throw new InputError(
      'owner',
      owner,
      'a GitHub user or organisation name (letters, digits and single hyphens)'
    )
  }

  const packagesRaw = read('packages') || repository.split('/')[1] || ''
  const packages = splitList(packagesRaw)
  if (packages.length === 0) {
    throw new InputError(
      'packages',
      packagesRaw,
      'one or more package names or globs, such as `app` or `app/*`'
    )
  }
  for (const p of packages) checkPackagePattern(p)

  const modeRaw = read('mode') || 'prune'
  if (!['prune', 'validate', 'restore', 'list'].includes(modeRaw)) {
    throw new InputError('mode', modeRaw, '`prune`, `validate`, `restore` or `list`')
  }
  const mode = modeRaw as Mode

  const apiUrl = parseServiceUrl(
    'api-url',
    read('api-url') || env.GITHUB_API_URL || 'https://api.github.com',
    {
      path: true
    }
  )
  const registryUrlRaw = read('registry-url')
  // GITHUB_SERVER_URL names the host only when the API is the runner's own (not an explicit other api-url).
  const sameServer = !env.GITHUB_API_URL || env.GITHUB_API_URL.replace(/\/+$/, '') === apiUrl
  const registryUrlDerived = registryUrlRaw
    ? registryUrlRaw
    : defaultRegistryUrl(apiUrl, sameServer ? env.GITHUB_SERVER_URL : undefined)
  if (!registryUrlDerived) {
    throw new InputError('registry-url', '', `the registry URL: it cannot be derived from api-url ${apiUrl}`)
  }
  // A derived URL gets the same checks: GITHUB_SERVER_URL could name a plain-http server.
  const registryUrl = parseServiceUrl('registry-url', registryUrlDerived, { path: false })
  const registryUsername = read('registry-username') || env.GITHUB_ACTOR || 'ghcr-retention'
  // Sent as the user of HTTP Basic auth, where `:` ends the name and a line break would end the header.
  if (!/^[\x21-\x7e]{1,255}$/.test(registryUsername) || registryUsername.includes(':')) {
    throw new InputError(
      'registry-username',
      registryUsername,
      'a user name of printable ASCII characters, without spaces or `:` (such as your GitHub login)'
    )
  }

  // An optional cap on registry requests at once: below it the client adapts to the registry's answers
  // (src/registry/AdaptiveConcurrency.ts); empty means the most the client ever uses.
  const concurrencyRaw = read('max-concurrency')
  const concurrency = concurrencyRaw
    ? parsePositiveInt('max-concurrency', concurrencyRaw, { min: 1, max: MAX_CONCURRENCY })
    : MAX_CONCURRENCY

  // Policy inputs throw PolicyError, which names the input the same way InputError does.
  const policy = readPolicy(read)

  const budgetRaw = read('request-budget')
  const requestBudget = budgetRaw
    ? parsePositiveInt('request-budget', budgetRaw, { min: 1, max: 10_000_000 })
    : undefined

  // Unique per step and attempt by default, so two steps of the action in one job keep their own.
  const journalFile = checkPath('journal-file', read('journal-file') || defaultJournalFile(env))

  const restoreFrom = read('restore-from') ? checkPath('restore-from', read('restore-from')) : undefined
  const withinRaw = read('restore-within')
  let restoreWithinMs: number | undefined
  if (withinRaw) {
    restoreWithinMs = parseDuration('restore-within', withinRaw)
    if (restoreWithinMs > MAX_RESTORE_WINDOW_MS) {
      throw new InputError(
        'restore-within',
        withinRaw,
        'a window of at most 30 days (GitHub restores deletions for 30 days)'
      )
    }
  }
  if (restoreFrom && restoreWithinMs !== undefined) {
    throw new InputError(
      'restore-within',
      withinRaw,
      'either `restore-from` (a journal) or `restore-within` (a time window), not both'
    )
  }
  if (mode === 'restore' && !restoreFrom && restoreWithinMs === undefined) {
    throw new InputError(
      'restore-from',
      '',
      'a journal path or artifact name (or set `restore-within`) when mode is `restore`'
    )
  }

  return {
    token,
    owner,
    packages,
    dryRun: parseBool('dry-run', read('dry-run'), false),
    mode,
    apiUrl,
    registryUrl,
    registryUsername,
    concurrency,
    policy,
    requestBudget,
    journalFile,
    uploadJournal: parseBool('upload-journal', read('upload-journal'), true),
    validateAfter: parseBool('validate-after-prune', read('validate-after-prune'), false),
    failOnBroken: parseBool('fail-on-broken', read('fail-on-broken'), true),
    restoreFrom,
    restoreWithinMs,
    pins: readPinSettings(read, registryUrl),
    cache: readCacheSettings(read('cache'), env),
    repository: parseRepository(read('repository') || env.GITHUB_REPOSITORY || ''),
    failOnNoop: parseBool('fail-on-noop', read('fail-on-noop'), false)
  }
}
