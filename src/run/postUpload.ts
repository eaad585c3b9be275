/**
 * The post step (`runs.post`, `post-if: always()`): uploads the journal as a workflow artifact when the main
 * step opened one and did not upload it itself — it was killed, cancelled or crashed before its end. A hosted
 * runner is gone after the job, and with it a journal that only lived in RUNNER_TEMP.
 */
import * as core from '@actions/core'
import { existsSync } from 'node:fs'
import { JOURNAL_STATE, uploadJournal } from '../execute/artifact.js'
import { actionsLog } from '../log/actionsLog.js'

const logger = actionsLog

/** What the post step did: for tests, and one line in the log. */
export type PostOutcome =
  'no-journal' | 'uploaded-by-main' | 'upload-off' | 'missing' | 'uploaded' | 'not-uploaded'

export async function post(
  getState: (name: string) => string = core.getState,
  getInput: (name: string) => string = name => core.getInput(name),
  upload: typeof uploadJournal = uploadJournal
): Promise<PostOutcome> {
  const path = getState(JOURNAL_STATE.path)
  if (!path) return 'no-journal'
  if (getState(JOURNAL_STATE.uploaded)) return 'uploaded-by-main'
  if (getInput('upload-journal').trim().toLowerCase() === 'false') return 'upload-off'
  if (!existsSync(path)) {
    actionsLog.warning(
      `the main step opened the journal ${JSON.stringify(path)}, but it is not there to upload`
    )
    return 'missing'
  }
  const name = getState(JOURNAL_STATE.artifact) || 'ghcr-retention-journal'
  actionsLog.info(
    `the main step ended before uploading its journal; uploading ${JSON.stringify(path)} as ${name}`
  )
  return (await upload(path, name, logger)) ? 'uploaded' : 'not-uploaded'
}

/* istanbul ignore next */
export async function runPost(): Promise<void> {
  try {
    actionsLog.debug(`post: ${await post()}`)
  } catch (error) {
    // The post step never fails the job: the main step's outcome is what counts.
    actionsLog.warning(`post: could not upload the journal: ${(error as Error).message}`)
  }
}
