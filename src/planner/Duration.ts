import parseHuman from 'parse-duration'
import { parse as parseIso } from 'tinyduration'
import { PolicyError } from './PolicyError.js'

const DAY = 86_400_000
// parse-duration's own year and month (365.25 days, a twelfth of that), so `1y` and `P1Y` agree.
const YEAR = 365.25 * DAY
const MONTH = YEAR / 12

/**
 * Unit names accepted in the human form. A subset of parse-duration's table: sub-second units make no sense
 * for retention, and a bare `m` is refused because `6m` read as six minutes (parse-duration's meaning) when
 * six months was meant would delete almost everything.
 */
const UNITS: Readonly<Record<string, true>> = Object.fromEntries(
  [
    'y',
    'yr',
    'yrs',
    'year',
    'years',
    'mo',
    'mth',
    'mths',
    'month',
    'months',
    'w',
    'wk',
    'wks',
    'week',
    'weeks',
    'd',
    'day',
    'days',
    'h',
    'hr',
    'hrs',
    'hour',
    'hours',
    'min',
    'mins',
    'minute',
    'minutes',
    's',
    'sec',
    'secs',
    'second',
    'seconds'
  ].map(u => [u, true])
)

const FORM =
  'Expected a duration such as `30d`, `2w 3d`, `12h`, `90min` or ISO-8601 `P30D` / `PT12H` (units: y, mo, w, d, h, min, s).'
const TOKEN = /(\d+(?:\.\d+)?)\s*([a-zA-Z]+)/y

const MAX_DURATION_LENGTH = 64

/**
 * Parses a non-negative duration to milliseconds. Human form (`30d`, `2w 3d`, `1.5h`) is checked token by token
 * here (parse-duration alone ignores junk such as `3d abc`) and converted by parse-duration; a string starting
 * with `P` is ISO-8601 and goes through tinyduration. `0` alone means zero. Throws PolicyError naming `input`.
 */
export function parseDuration(input: string, raw: string): number {
  const value = raw.trim()
  if (value === '0') return 0
  // tinyduration's ISO regex backtracks: `P` and 20,000 digits took 8 s. No honest duration is this long.
  if (value.length > MAX_DURATION_LENGTH) {
    throw new PolicyError(input, raw, `A duration is at most ${MAX_DURATION_LENGTH} characters. ` + FORM)
  }
  if (value.startsWith('-')) throw new PolicyError(input, raw, 'A duration cannot be negative. ' + FORM)
  const ms = /^P/i.test(value) ? parseIsoDuration(input, raw, value) : parseHumanDuration(input, raw, value)
  if (!Number.isFinite(ms) || ms < 0) throw new PolicyError(input, raw, FORM)
  return Math.round(ms)
}

function parseHumanDuration(input: string, raw: string, value: string): number {
  if (value === '') throw new PolicyError(input, raw, FORM)
  let pos = 0
  while (pos < value.length) {
    TOKEN.lastIndex = pos
    const m = TOKEN.exec(value)
    if (!m) {
      const rest = value.slice(pos)
      const hint = /^\d+(?:\.\d+)?\s*$/.test(rest)
        ? `The number ${rest.trim()} needs a unit. `
        : `Cannot read ${JSON.stringify(rest)}. `
      throw new PolicyError(input, raw, hint + FORM)
    }
    const unit = m[2].toLowerCase()
    if (unit === 'm') {
      throw new PolicyError(
        input,
        raw,
        "The unit 'm' is ambiguous: write `min` for minutes or `mo` for months."
      )
    }
    if (!UNITS[unit]) throw new PolicyError(input, raw, `Unknown unit '${m[2]}'. ` + FORM)
    pos = TOKEN.lastIndex
    // Tokens may be separated by spaces and, as in `2w, 3d`, by commas.
    while (pos < value.length && /[\s,]/.test(value[pos])) pos++
  }
  const ms = parseHuman(value.replace(/,/g, ' '))
  if (ms === null) throw new PolicyError(input, raw, FORM)
  return ms
}

function parseIsoDuration(input: string, raw: string, value: string): number {
  let d
  try {
    d = parseIso(value.toUpperCase())
  } catch {
    throw new PolicyError(input, raw, FORM)
  }
  if (d.negative) throw new PolicyError(input, raw, 'A duration cannot be negative. ' + FORM)
  return (
    (d.years ?? 0) * YEAR +
    (d.months ?? 0) * MONTH +
    (d.weeks ?? 0) * 7 * DAY +
    (d.days ?? 0) * DAY +
    (d.hours ?? 0) * 3_600_000 +
    (d.minutes ?? 0) * 60_000 +
    (d.seconds ?? 0) * 1000
  )
}

/** Short human form of a duration for reasons: `41d`, `5h`, `12min`. */
export function formatDuration(ms: number): string {
  const abs = Math.max(0, ms)
  if (abs >= DAY) return `${Math.floor(abs / DAY)}d`
  if (abs >= 3_600_000) return `${Math.floor(abs / 3_600_000)}h`
  if (abs >= 60_000) return `${Math.floor(abs / 60_000)}min`
  return `${Math.floor(abs / 1000)}s`
}
