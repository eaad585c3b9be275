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

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_FILE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

function props(p: AnnotationProperties | undefined): AnnotationProperties | undefined {
  if (!p) return p
  // `file` must name the file to annotate as it is, and @actions/core encodes `%`, CR, LF, `:` and `,` in it;
  // a name that would still carry `##[` or another control character into the line is left out (the message
  // names the file, escaped).
  const { file, ...rest } = p
  const safeFile = file !== undefined && !file.includes('##[') && !UNSAFE_IN_FILE.test(file)
  return {
    ...rest,
    ...(rest.title !== undefined ? { title: logText(rest.title) } : {}),
    ...(safeFile ? { file } : {})
  }
}

/**
 * The one way the action writes to the runner's log: every line passes {@link logText}, so no file name, tag,
 * journal field or server message can issue a workflow command, whoever formatted it. ESLint forbids calling
 * @actions/core's log functions anywhere else (eslint.config.mjs).
 */
export const actionsLog: ActionsLog = {
  // The runner shows `::debug::` lines only with step debug logging on, which it tells a step by setting
  // RUNNER_DEBUG=1 (core.isDebug): without it a line would be escaped and written only to be dropped, and a
  // dry run at 10,000 versions writes 15,000 of them (issue 18, CPU per request).
  debug: m => {
    if (core.isDebug()) core.debug(logText(m))
  },
  info: m => core.info(logText(m)),
  warning: (m, p) => core.warning(annotationText(m), props(p)),
  notice: (m, p) => core.notice(annotationText(m), props(p)),
  error: (m, p) => core.error(annotationText(m), props(p)),
  startGroup: t => core.startGroup(logText(t)),
  endGroup: () => core.endGroup(),
  setFailed: m => core.setFailed(annotationText(m))
}
