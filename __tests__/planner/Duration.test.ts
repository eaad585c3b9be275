import { describe, expect, it } from '@jest/globals'
import { formatDuration, parseDuration } from '../../src/planner/Duration.js'
import { PolicyError } from '../../src/planner/PolicyError.js'

const DAY = 86_400_000

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * DAY],
    ['2w 3d', 17 * DAY],
    ['2w3d', 17 * DAY],
    ['2w, 3d', 17 * DAY],
    ['12h', DAY / 2],
    ['90min', 90 * 60_000],
    ['1.5d', 1.5 * DAY],
    ['3 days', 3 * DAY],
    ['1 week', 7 * DAY],
    ['P30D', 30 * DAY],
    ['PT12H', DAY / 2],
    ['P1W', 7 * DAY],
    ['p2dt6h', 2.25 * DAY],
    ['0', 0],
    ['0d', 0]
  ])('reads %j', (text, ms) => {
    expect(parseDuration('older-than', text)).toBe(ms)
  })

  it('gives a year and a month the same length in both notations', () => {
    expect(parseDuration('older-than', '1y')).toBe(parseDuration('older-than', 'P1Y'))
    expect(parseDuration('older-than', '1mo')).toBe(parseDuration('older-than', 'P1M'))
  })

  it.each([
    ['6m', /ambiguous: write `min` for minutes or `mo` for months/],
    ['5', /number 5 needs a unit/],
    ['-3d', /cannot be negative/],
    ['P-1D', /Expected a duration/],
    ['3x', /Unknown unit 'x'/],
    ['3d abc', /Cannot read "abc"/],
    ['', /Expected a duration/],
    ['10ms', /Unknown unit 'ms'/]
  ])('refuses %j, naming the input and quoting the value', (text, message) => {
    let error: unknown
    try {
      parseDuration('untagged-grace', text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PolicyError)
    expect((error as PolicyError).message).toContain(
      `Invalid input 'untagged-grace': ${JSON.stringify(text)}`
    )
    expect((error as PolicyError).message).toMatch(message)
  })
})

describe('formatDuration', () => {
  it('uses the largest whole unit', () => {
    expect(formatDuration(41 * DAY + 5)).toBe('41d')
    expect(formatDuration(5 * 3_600_000)).toBe('5h')
    expect(formatDuration(12 * 60_000)).toBe('12min')
    expect(formatDuration(3_000)).toBe('3s')
  })
})
