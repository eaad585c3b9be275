/**
 * Log lines the reader of stdout has not taken yet. On a runner stdout is a pipe the runner reads at its own
 * pace; Node queues in memory whatever the pipe does not take at once, so 200,000 decision lines written in
 * a loop could all be waiting in memory at the same time (issue 18, bounded memory).
 */

/** What may wait before the writer waits too: the log stays fast, and the queue stays small. */
export const LOG_BACKLOG_BYTES = 1024 * 1024

/**
 * Undefined when `stream` has less than `limit` bytes waiting; otherwise a promise that settles once it has
 * taken them in (`drain`), or can never take them (closed, failed: waiting would never end).
 */
export function stdoutCaughtUp(
  stream: NodeJS.WritableStream & {
    readonly writableLength: number
    readonly writableNeedDrain: boolean
  } = process.stdout,
  limit = LOG_BACKLOG_BYTES
): Promise<void> | undefined {
  if (stream.writableLength < limit || !stream.writableNeedDrain) return undefined
  return new Promise(resolve => {
    const done = (): void => {
      stream.off('drain', done)
      stream.off('close', done)
      stream.off('error', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
    stream.on('error', done)
  })
}
