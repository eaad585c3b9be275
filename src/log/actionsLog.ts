import * as core from '@actions/core'
import type { Logger } from './Logger.js'
import { annotationText, logText } from './logText.js'

export type AnnotationProperties = core.AnnotationProperties

/** Everything the action prints to the runner's log. */
export interface ActionsLog extends Logger {
  warning(message: string, properties?: AnnotationProperties): void
  notice(message: string, properties?: AnnotationProperties): void
  error(message: string, properties?: AnnotationProperties): void
  startGroup(title: string): void
  endGroup(): void
  /** Fails the step with an error annotation. */
  setFailed(message: string): void
}

function props(p: AnnotationProperties | undefined): AnnotationProperties | undefined {
  // `file` stays as it is: it must name the file to annotate, and @actions/core encodes it as a property.
  return p && p.title !== undefined ? { ...p, title: logText(p.title) } : p
}

/**
 * The one way the action writes to the runner's log: every line passes {@link logText}, so no file name, tag,
 * journal field or server message can issue a workflow command, whoever formatted it. ESLint forbids calling
 * @actions/core's log functions anywhere else (eslint.config.mjs).
 */
export const actionsLog: ActionsLog = {
  debug: m => core.debug(logText(m)),
  info: m => core.info(logText(m)),
  warning: (m, p) => core.warning(annotationText(m), props(p)),
  notice: (m, p) => core.notice(annotationText(m), props(p)),
  error: (m, p) => core.error(annotationText(m), props(p)),
  startGroup: t => core.startGroup(logText(t)),
  endGroup: () => core.endGroup(),
  setFailed: m => core.setFailed(annotationText(m))
}
