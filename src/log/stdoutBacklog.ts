/**
 * Log lines the reader of stdout has not taken yet. On a runner stdout is a pipe the runner reads at its own
 * pace; Node queues in memory whatever the pipe does not take at once, so 200,000 decision lines written in
 * a loop could all be waiting in memory at the same time (issue 18, bounded memory).
 */

/** What may wait before the writer waits too: the log stays fast, and the queue stays small. */
export const LOG_BACKLOG_BYTES = 1024 * 1024

/**
 * The longest one wait lasts. A reader that stops reading without closing the pipe would otherwise hold the run
 * forever; after this the lines queue in memory as they did before, and the run ends.
 */
export const LOG_WAIT_LIMIT_MS = 30_000

/** Streams whose reader let one wait run out: never waited for again (each line would wait the limit anew). */
const stalled = new WeakSet<object>()

/**
 * Undefined when `stream` has less than `limit` bytes waiting; otherwise a promise that settles once it has
 * taken them in (`drain`), or can never take them (closed, failed: waiting would never end), or after
 * `waitLimitMs` (a reader that stopped reading; that stream is then not waited for again).
 */
export function stdoutCaughtUp(
  stream: NodeJS.WritableStream & {
    readonly writableLength: number
    readonly writableNeedDrain: boolean
  } = process.stdout,
  limit = LOG_BACKLOG_BYTES,
  waitLimitMs = LOG_WAIT_LIMIT_MS
): Promise<void> | undefined {
  if (stalled.has(stream) || stream.writableLength < limit || !stream.writableNeedDrain) return undefined
  return new Promise(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      stream.off('drain', done)
      stream.off('close', done)
      stream.off('error', done)
      resolve()
    }
    // Unref'd: the wait alone never keeps the process alive.
    const timer = setTimeout(() => {
      stalled.add(stream)
      done()
    }, waitLimitMs)
    timer.unref()
    stream.on('drain', done)
    stream.on('close', done)
    stream.on('error', done)
  })
}
