// A journal as the action writes it, built record by record, for tests of its reader and of restore.
import {
  JOURNAL_FORMAT,
  JOURNAL_VERSION,
  type EndRecord,
  type HeaderRecord,
  type JournalRecord
} from '../../src/execute/Journal.js'

export const digestOf = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`

export function header(extra: Partial<HeaderRecord> = {}): HeaderRecord {
  return {
    type: 'header',
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    mode: 'prune',
    dryRun: false,
    owner: 'acme',
    startedAt: '2026-01-02T03:04:00.000Z',
    run: { runId: '42', attempt: '1', step: '__acme_ghcr-retention' },
    settings: `sha256:${'0'.repeat(64)}`,
    ...extra
  }
}

export function intent(id: number, extra: Record<string, unknown> = {}): JournalRecord {
  return {
    type: 'delete-intent',
    package: 'app',
    id,
    digest: digestOf(id),
    tags: [],
    at: '2026-01-02T03:04:05.000Z',
    ...extra
  } as JournalRecord
}

export function result(
  id: number,
  outcome: 'deleted' | 'already-gone' | 'refused' | 'failed' | 'rate-limited' = 'deleted',
  extra: Record<string, unknown> = {}
): JournalRecord {
  return {
    type: 'delete-result',
    package: 'app',
    id,
    digest: digestOf(id),
    outcome,
    at: '2026-01-02T03:04:06.000Z',
    ...extra
  } as JournalRecord
}

export function packageEnd(remaining: number[] = [], extra: Record<string, unknown> = {}): JournalRecord {
  return {
    type: 'package-end',
    package: 'app',
    at: '2026-01-02T03:04:07.000Z',
    remaining,
    ...extra
  } as JournalRecord
}

export const end: EndRecord = {
  type: 'end',
  finishedAt: '2026-01-02T03:04:08.000Z',
  ok: true,
  status: 'ok'
}

/** The records as JSON Lines (each line ends with a newline, as the writer leaves them). */
export function jsonl(records: readonly unknown[]): string {
  return records.map(r => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n'
}
