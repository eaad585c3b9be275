/**
 * Cancellation of a run. GitHub Actions cancels a workflow by sending SIGINT, then SIGTERM, then killing the
 * process a few seconds later; on the first signal the run stops starting requests, lets the in-flight ones
 * finish and writes its journal. A second signal gives up waiting: the process exits at once.
 */
export interface Cancellation {
  readonly signal: AbortSignal
  /** Removes the handlers (tests, or a run that has finished). */
  dispose(): void
}

export function installSignalHandlers(
  onSignal: (name: NodeJS.Signals) => void = () => {},
  proc: Pick<NodeJS.Process, 'on' | 'off' | 'exit'> = process
): Cancellation {
  const controller = new AbortController()
  const handler = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      proc.exit(130)
      return
    }
    onSignal(name)
    controller.abort(new Error(`cancelled by ${name}`))
  }
  proc.on('SIGINT', handler)
  proc.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    dispose: () => {
      proc.off('SIGINT', handler)
      proc.off('SIGTERM', handler)
    }
  }
}
