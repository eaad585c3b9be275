import { createHash } from 'node:crypto'
import type { Decision } from '../../src/planner/Decision.js'
import type { Plan } from '../../src/planner/Plan.js'
import { decision } from './fixtures.js'

const hex = (n: number, salt: number) => createHash('sha256').update(`${salt}:${n}`).digest('hex')

/**
 * A package of `versions` versions shaped like a busy CI repository: multi-platform tags (index + amd64 +
 * arm64 + attestation, one in two deleted) and untagged orphans for the rest (two in three deleted).
 * Reasons are as long as real ones (they quote a full digest).
 */
export function bigPlan(name: string, versions: number, salt = 0): Plan {
  const decisions: Decision[] = []
  let id = 100_000_000 + salt * 1_000_000
  const tagged = Math.floor(versions / 10)
  for (let i = 0; i < tagged; i++) {
    const del = i % 2 === 1
    const index = 'sha256:' + hex(id, salt)
    const tag = `build-${i}`
    decisions.push(
      decision({
        versionId: id++,
        digest: index,
        action: del ? 'delete' : 'keep',
        rule: del ? 'keep-n-tagged' : 'keep-n-tagged',
        reason: del
          ? `not among the 10 newest tags matching build-*`
          : `among the newest tags matching build-*`,
        role: 'tagged-root',
        mediaType: 'oci-index',
        tags: [tag],
        associatedTags: [tag],
        time: 1_700_000_000_000 + i * 60_000
      })
    )
    for (const [platform, role] of [
      ['linux/amd64', 'platform-image'],
      ['linux/arm64', 'platform-image'],
      [undefined, 'attestation']
    ] as const) {
      decisions.push(
        decision({
          versionId: id,
          digest: 'sha256:' + hex(id++, salt),
          action: del ? 'delete' : 'keep',
          rule: 'closure',
          reason: `${role} of ${del ? 'deleted' : 'kept'} tag ${tag} (index ${index})`,
          role,
          mediaType: 'oci-manifest',
          associatedTags: [tag],
          platform,
          parent: index
        })
      )
    }
  }
  while (decisions.length < versions) {
    const del = decisions.length % 3 !== 0
    decisions.push(
      decision({
        versionId: id,
        digest: 'sha256:' + hex(id++, salt),
        action: del ? 'delete' : 'keep',
        rule: del ? 'delete-untagged' : 'untagged-grace',
        reason: del
          ? 'untagged orphan older than the 7-day grace'
          : 'untagged orphan younger than the 7-day grace',
        role: 'orphan',
        mediaType: 'oci-manifest',
        time: 1_690_000_000_000 + decisions.length
      })
    )
  }
  return {
    packageName: name,
    decisions,
    deleteOrder: decisions.filter(d => d.action === 'delete').map(d => d.versionId),
    warnings: []
  }
}
