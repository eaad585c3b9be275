import { mkdir, open } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import {
  JOURNAL_FAILED,
  JOURNAL_FORMAT,
  JOURNAL_VERSION,
  runIdentity,
  settingsDigest,
  type EndRecord,
  type HeaderRecord,
  type JournalMode,
  type JournalRecord
} from '../execute/Journal.js'
import type { DeleteJournal } from '../execute/ExecutionResult.js'
import type { Settings } from '../settings/Settings.js'

/** The file under the journal: appends whole strings, syncs to disk, closes. Injectable for tests. */
export interface JournalFile {
  append(text: string): Promise<void>
  sync(): Promise<void>
  close(): Promise<void>
}

export type OpenJournalFile = (path: string) => Promise<JournalFile>

/** Creates the directory and truncates or creates the file (a journal is one run's). */
export const openJournalFile: OpenJournalFile = async path => {
  await mkdir(dirname(path), { recursive: true })
  const handle = await open(path, 'w')
  return {
    append: text => handle.appendFile(text, 'utf8'),
    sync: () => handle.datasync(),
    close: () => handle.close()
  }
}

/** Characters (about bytes: records are mostly ASCII) gathered before one append. */
const APPEND_BYTES = 256 * 1024

/** A journal write failed: the run sends no further delete. */
export class JournalWriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown
  ) {
    super(
      `${JOURNAL_FAILED}: cannot write journal-file ${JSON.stringify(path)} ` +
        // Not `instanceof Error`: errors of node:fs may come from another realm (jest's VM modules).
        `(${typeof (cause as Error)?.message === 'string' ? (cause as Error).message : String(cause)})`,
      { cause }
    )
    this.name = 'JournalWriteError'
  }
}

/**
 * Appends the journal's records (JSON Lines) one whole line at a time, in the order they are given, never
 * rewriting what is written: a run killed at any moment leaves every record written before the kill, and at
 * most its last line cut short. `durable` records (a delete's intent) are synced to disk before the promise
 * settles, so the delete is sent only once its record survives even a crash of the machine.
 *
 * After the first failed write nothing more is written (a later line after a half-written one would make the
 * journal unreadable), and every later write rejects with the same error: the run stops deleting.
 */
export class JournalWriter {
  private chain: Promise<void> = Promise.resolve()
  private failure?: JournalWriteError
  private closed = false

  private constructor(
    readonly path: string,
    private readonly file: JournalFile
  ) {}

  /**
   * Opens the journal and writes its header, synced: called before the first request of the run, so a place
   * that cannot be written is an error before anything is deleted.
   */
  static async open(
    path: string,
    header: HeaderRecord,
    openFile: OpenJournalFile = openJournalFile
  ): Promise<JournalWriter> {
    let file: JournalFile
    try {
      file = await openFile(path)
    } catch (error) {
      throw new JournalWriteError(path, error)
    }
    const writer = new JournalWriter(path, file)
    await writer.write([header], { durable: true })
    return writer
  }

  /** The write error that stopped the journal, if one did. */
  get failed(): JournalWriteError | undefined {
    return this.failure
  }

  /**
   * Appends records after every earlier write; rejects (and stays failed) when a write fails. The records are
   * turned into lines only when their turn comes, and go out in appends of about {@link APPEND_BYTES}: a plan
   * of 100,000 decisions is never one string in memory (issue 18, bounded memory). Each append ends on a
   * line's end, so a kill between two leaves whole lines.
   */
  write(records: Iterable<JournalRecord>, options: { durable?: boolean } = {}): Promise<void> {
    const next = this.chain.then(async () => {
      if (this.failure) throw this.failure
      if (this.closed) throw new JournalWriteError(this.path, new Error('the journal is closed'))
      try {
        let text = ''
        let written = false
        for (const record of records) {
          text += JSON.stringify(record) + '\n'
          if (text.length < APPEND_BYTES) continue
          await this.file.append(text)
          text = ''
          written = true
        }
        if (text !== '') await this.file.append(text)
        else if (!written) return
        if (options.durable) await this.file.sync()
      } catch (error) {
        this.failure = new JournalWriteError(this.path, error)
        throw this.failure
      }
    })
    // The chain itself never rejects: one failed write must not leave an unhandled rejection behind.
    this.chain = next.catch(() => undefined)
    return next
  }

  /** Appends without waiting; a failure is kept in `failed` (and stops the deletes at their next intent). */
  record(records: Iterable<JournalRecord>): void {
    void this.write(records).catch(() => undefined)
  }

  /** Writes the end record (unless a write failed before), syncs and closes. Never throws. */
  async close(end?: EndRecord): Promise<void> {
    if (end && !this.failure) await this.write([end], { durable: true }).catch(() => undefined)
    await this.chain
    if (this.closed) return
    this.closed = true
    await this.file.close().catch(() => undefined)
  }
}

/** The header of this run's journal. */
export function journalHeader(
  settings: Settings,
  mode: JournalMode,
  env: NodeJS.ProcessEnv,
  startedAt: number
): HeaderRecord {
  return {
    type: 'header',
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    mode,
    dryRun: mode === 'prune' ? settings.dryRun : false,
    owner: settings.owner,
    startedAt: new Date(startedAt).toISOString(),
    run: runIdentity(env),
    settings: settingsDigest(settings)
  }
}

/**
 * Opens the journal of a prune or restore before its first request. A restore must not write over the journal
 * it reads.
 */
export async function openRunJournal(
  settings: Settings,
  mode: JournalMode,
  env: NodeJS.ProcessEnv,
  startedAt: number,
  openFile?: OpenJournalFile
): Promise<JournalWriter> {
  if (
    mode === 'restore' &&
    settings.restoreFrom &&
    resolve(settings.restoreFrom) === resolve(settings.journalFile)
  ) {
    throw new Error(
      `journal-file ${JSON.stringify(settings.journalFile)} is the journal restore-from reads; give journal-file ` +
        'another path (or leave it empty for a name of its own)'
    )
  }
  return JournalWriter.open(settings.journalFile, journalHeader(settings, mode, env, startedAt), openFile)
}

/** The executor's view of the journal for one package: intents synced before the request, answers after. */
export function deleteJournalFor(writer: JournalWriter, name: string): DeleteJournal {
  return {
    intent: e =>
      writer.write(
        [
          {
            type: 'delete-intent',
            package: name,
            id: e.versionId,
            digest: e.digest,
            tags: e.tags,
            ...(e.after ? { after: e.after } : {}),
            at: e.at
          }
        ],
        { durable: true }
      ),
    result: a =>
      writer.write([
        {
          type: 'delete-result',
          package: name,
          id: a.versionId,
          digest: a.digest,
          outcome: a.outcome,
          ...(a.status !== undefined ? { status: a.status } : {}),
          ...(a.message !== undefined ? { message: a.message } : {}),
          at: a.at
        }
      ])
  }
}
