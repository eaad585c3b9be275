import type { Decision } from '../../src/planner/Decision.js'
import type { ManifestFact } from '../../src/model/ManifestFact.js'
import type { Plan } from '../../src/planner/Plan.js'
import type { ExecutionResult } from '../../src/execute/ExecutionResult.js'
import type { Manifest } from '../../src/model/Manifest.js'
import type { RunReport } from '../../src/report/RunReport.js'

/** A digest made of one repeated hex character pair, readable in failures: dg('ab') = sha256:abab…ab. */
export const dg = (pair: string): string => 'sha256:' + pair.repeat(32)

const T0 = Date.UTC(2024, 6, 9, 20, 16, 9)

export function decision(p: Partial<Decision> & Pick<Decision, 'versionId' | 'digest' | 'action'>): Decision {
  return {
    rule: p.action === 'keep' ? 'keep-tags' : 'closure',
    reason: p.action === 'keep' ? 'kept' : 'deleted',
    role: 'orphan',
    mediaType: 'oci-manifest',
    tags: [],
    associatedTags: [],
    time: T0,
    ...p
  }
}

/**
 * The package of the snok #90 thread, reduced: a kept multi-platform tag with an attestation and a cosign
 * signature, a deleted tag `foo` whose arm64 image goes with it, and an untagged orphan.
 */
export function appPlan(): Plan {
  const decisions: Decision[] = [
    decision({
      versionId: 234860550,
      digest: dg('10'),
      action: 'keep',
      rule: 'keep-tags',
      reason: 'tag v1.2 matches keep-tags `v*`',
      role: 'tagged-root',
      mediaType: 'oci-index',
      tags: ['v1.2', 'latest'],
      associatedTags: ['v1.2', 'latest']
    }),
    decision({
      versionId: 234860551,
      digest: dg('11'),
      action: 'keep',
      rule: 'closure',
      reason: `platform image of kept tag v1.2 (index ${dg('10')})`,
      role: 'platform-image',
      mediaType: 'oci-manifest',
      associatedTags: ['v1.2', 'latest'],
      platform: 'linux/amd64',
      parent: dg('10')
    }),
    decision({
      versionId: 234860552,
      digest: dg('12'),
      action: 'keep',
      rule: 'closure',
      reason: 'attestation of a kept image',
      role: 'attestation',
      mediaType: 'oci-manifest',
      associatedTags: ['v1.2', 'latest'],
      parent: dg('10')
    }),
    decision({
      versionId: 234860553,
      digest: dg('13'),
      action: 'keep',
      rule: 'closure',
      reason: 'cosign signature of kept tag v1.2',
      role: 'signature',
      mediaType: 'oci-artifact',
      tags: ['sha256-' + '10'.repeat(32) + '.sig'],
      associatedTags: ['sha256-' + '10'.repeat(32) + '.sig', 'v1.2', 'latest'],
      parent: dg('10')
    }),
    decision({
      versionId: 241406801,
      digest: dg('20'),
      action: 'delete',
      rule: 'older-than',
      reason: 'tag foo is older than 30 days',
      role: 'tagged-root',
      mediaType: 'oci-index',
      tags: ['foo'],
      associatedTags: ['foo']
    }),
    decision({
      versionId: 241387187,
      digest: dg('21'),
      action: 'delete',
      rule: 'closure',
      reason: `platform image of deleted tag foo (index ${dg('20')})`,
      role: 'platform-image',
      mediaType: 'oci-manifest',
      associatedTags: ['foo'],
      platform: 'linux/arm64',
      parent: dg('20')
    }),
    decision({
      versionId: 241362761,
      digest: dg('30'),
      action: 'delete',
      rule: 'delete-untagged',
      reason: 'untagged orphan older than the 7-day grace',
      role: 'orphan',
      mediaType: 'docker-manifest-v2'
    })
  ]
  return {
    packageName: 'app',
    decisions,
    deleteOrder: [241406801, 241387187, 241362761],
    warnings: []
  }
}

export function execution(p: Partial<ExecutionResult> = {}): ExecutionResult {
  return {
    packageName: 'app',
    dryRun: false,
    deleted: [],
    gone: [],
    refused: [],
    failed: [],
    remaining: [],
    untagged: [],
    restRequests: 0,
    registryRequests: 0,
    ...p
  }
}

export function imageManifest(digest: string, blobs: ReadonlyArray<[string, number]>): ManifestFact {
  const [config, ...layers] = blobs
  const manifest: Manifest = {
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'image',
    manifests: [],
    config: { digest: config[0], size: config[1], mediaType: 'application/vnd.oci.image.config.v1+json' },
    layers: layers.map(([d, size]) => ({ digest: d, size })),
    size: 500
  }
  return { ok: true, manifest }
}

export function report(p: Partial<RunReport> = {}): RunReport {
  return {
    dryRun: true,
    mode: 'prune',
    owner: 'acme',
    packages: [{ plan: appPlan() }],
    requests: { rest: 14, registry: 9, budget: 500 },
    startedAt: T0,
    finishedAt: T0 + 3200,
    journalFile: '/tmp/ghcr-retention-journal.json',
    ...p
  }
}
