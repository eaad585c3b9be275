import { describe, expect, it } from '@jest/globals'
import { pagesInOrder } from '../../src/github/parallelPages.js'

const collect = async <T>(pages: AsyncGenerator<T>): Promise<T[]> => {
  const out: T[] = []
  for await (const p of pages) out.push(p)
  return out
}

describe('pagesInOrder', () => {
  it('after a secondary-limit signal, a page that failed is asked once more, alone, and the listing completes', async () => {
    const log: string[] = []
    let inFlight = 0
    let backedOff = false
    let failedOnce = false
    const fetchPage = async (page: number): Promise<number> => {
      inFlight++
      log.push(`start ${page} (${inFlight} in flight)`)
      await new Promise(r => setTimeout(r, page === 3 ? 5 : 20))
      inFlight--
      if (page === 3 && !failedOnce) {
        failedOnce = true
        backedOff = true // the client saw a secondary limit while answering it
        throw new Error('secondary rate limit: retries used up')
      }
      return page
    }
    const pages = await collect(
      pagesInOrder(2, 8, fetchPage, {
        concurrency: 4,
        perMinute: 1000,
        minuteMs: 60_000,
        backedOff: () => backedOff
      })
    )
    expect(pages).toEqual([2, 3, 4, 5, 6, 7, 8])
    const retry = log.lastIndexOf('start 3 (1 in flight)')
    expect(retry).toBeGreaterThan(log.indexOf('start 3 (3 in flight)'))
    // Serial from then on: nothing else was in flight with the retried page or after it.
    expect(log.slice(retry).every(l => l.endsWith('(1 in flight)'))).toBe(true)
  })

  it('without a secondary-limit signal a failed page ends the listing with its error', async () => {
    const fetchPage = async (page: number): Promise<number> => {
      if (page === 3) throw new Error('HTTP 500 after retries')
      return page
    }
    await expect(
      collect(
        pagesInOrder(2, 8, fetchPage, {
          concurrency: 4,
          perMinute: 1000,
          minuteMs: 60_000,
          backedOff: () => false
        })
      )
    ).rejects.toThrow('HTTP 500 after retries')
  })
})
