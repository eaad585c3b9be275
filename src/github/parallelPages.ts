import { sleep } from '../http/sleep.js'

/**
 * GitHub's secondary limits for REST (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * at most 100 concurrent requests and 900 points a minute (a GET is 1). GitHub recommends serial requests, so the
 * listing keeps to a modest 10 at once and to 500 pages a rolling minute, which leaves the rest of the minute's
 * points to the manifest-independent REST calls of the same run.
 */
export const LIST_CONCURRENCY = 10
export const LIST_PAGES_PER_MINUTE = 500

export interface PageWindowOptions {
  /** Pages in flight at once, the one being waited for included. */
  readonly concurrency: number
  /** Page requests started within any rolling `minuteMs`. */
  readonly perMinute: number
  /** A minute on the client's time scale (60,000 in production). */
  readonly minuteMs: number
  /** True once a secondary-limit signal came: from then on one page at a time. */
  readonly backedOff: () => boolean
  readonly now?: () => number
}

/**
 * Pages `first`..`last`, requested up to `concurrency` ahead of the consumer and yielded in page order. The
 * window refills only when the consumer asks for the next page, so a consumer that stops early costs at most
 * the pages already in flight; their failures are then dropped, as nobody waits for them. Once `backedOff`, a
 * page whose request failed is asked once more, after the others in flight have settled.
 */
export async function* pagesInOrder<T>(
  first: number,
  last: number,
  fetchPage: (page: number) => Promise<T>,
  options: PageWindowOptions
): AsyncGenerator<T> {
  const now = options.now ?? Date.now
  const pending = new Map<number, Promise<T>>()
  const starts: number[] = []
  const pace = async (): Promise<void> => {
    for (;;) {
      const t = now()
      while (starts.length > 0 && starts[0] <= t - options.minuteMs) starts.shift()
      if (starts.length < options.perMinute) {
        starts.push(t)
        return
      }
      await sleep(starts[0] + options.minuteMs - t + 1)
    }
  }
  let next = first
  for (let page = first; page <= last; page++) {
    while (next <= last && pending.size < Math.max(1, options.backedOff() ? 1 : options.concurrency)) {
      await pace()
      const request = fetchPage(next)
      request.catch(() => {})
      pending.set(next++, request)
    }
    let result: T
    try {
      result = await pending.get(page)!
    } catch (error) {
      pending.delete(page)
      if (!options.backedOff()) throw error
      // Pages in flight when a secondary limit hit retry together and can use up their retries on one another.
      // Once the others have settled, this page gets one more try alone: from now on the listing is serial,
      // as GitHub asks after a secondary limit.
      await Promise.allSettled(pending.values())
      result = await fetchPage(page)
    }
    pending.delete(page)
    yield result
  }
}
