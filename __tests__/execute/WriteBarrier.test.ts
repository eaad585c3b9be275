import { describe, expect, it } from '@jest/globals'
import { listedTags, remainingWindowLine } from '../../src/execute/WriteBarrier.js'

describe('remainingWindowLine', () => {
  const at = Date.parse('2026-12-02T13:47:02.400Z')
  it('states the window between the last tag check and the last delete', () => {
    expect(remainingWindowLine('app', { lastCheckAt: at, lastDeleteAt: at + 48_000, deletesSince: 12 })).toBe(
      'app: tags were last checked at 13:47:02 UTC; a tag pushed in the 48s before the last of the 12 deletes that followed, onto content they removed, was not seen. To close this window, see docs/registry-changes.md (one concurrency group for the workflows that push and this one).'
    )
  })
  it('says nothing when no delete followed the check', () => {
    expect(remainingWindowLine('app', { lastCheckAt: at, lastDeleteAt: at, deletesSince: 0 })).toBeUndefined()
  })
})

describe('listedTags', () => {
  it('maps each listed tag to its digest', () => {
    const v = (id: number, digest: string, tags: string[]) => ({
      id,
      digest,
      tags,
      createdAt: 0,
      updatedAt: 0
    })
    expect([...listedTags([v(1, 'sha256:a', ['x', 'y']), v(2, 'sha256:b', [])])]).toEqual([
      ['x', 'sha256:a'],
      ['y', 'sha256:a']
    ])
  })
})
