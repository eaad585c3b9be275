import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as core from '@actions/core'
import { computeOutputs, DELETED_VERSIONS_MAX } from '../../src/report/outputs.js'
import { emitOutputs } from '../../src/report/publish.js'
import { freedBytes } from '../../src/report/freedBytes.js'
import { appPlan, decision, dg, execution, imageManifest, report } from './fixtures.js'
import type { Plan } from '../../src/planner/Plan.js'

/** Reads a GITHUB_OUTPUT file the way the runner does: `name<<delimiter` … `delimiter` blocks. */
function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const body: string[] = []
    for (i++; i < lines.length && lines[i] !== m[2]; i++) body.push(lines[i])
    out[m[1]] = body.join('\n')
  }
  return out
}

describe('computeOutputs', () => {
  it('counts a dry run as what it would delete, in delete order', () => {
    const { outputs } = computeOutputs(report())
    expect(outputs).toEqual({
      'deleted-count': '3',
      'kept-count': '4',
      'deleted-versions': '[241406801,241387187,241362761]',
      'journal-file': '/tmp/ghcr-retention-journal.json',
      remaining: '0',
      'freed-bytes': '0'
    })
  })

  it('counts only what a real run deleted; the backlog is `remaining`', () => {
    const { outputs, totals } = computeOutputs(
      report({
        dryRun: false,
        packages: [
          {
            plan: appPlan(),
            execution: execution({ deleted: [241406801], gone: [241387187], remaining: [241362761] })
          }
        ]
      })
    )
    expect(outputs['deleted-count']).toBe('1')
    expect(outputs['deleted-versions']).toBe('[241406801]')
    expect(outputs.remaining).toBe('1')
    expect(totals.gone).toBe(1)
  })

  it('never counts as deleted a planned delete the execution does not mention', () => {
    const { outputs } = computeOutputs(
      report({
        dryRun: false,
        packages: [{ plan: appPlan(), execution: execution({ deleted: [241406801] }) }]
      })
    )
    expect(outputs['deleted-count']).toBe('1')
    expect(outputs.remaining).toBe('2')
    const { outputs: none } = computeOutputs(report({ dryRun: false }))
    expect(none['deleted-count']).toBe('0')
    expect(none['deleted-versions']).toBe('[]')
  })

  it(`leaves deleted-versions unset above ${DELETED_VERSIONS_MAX} ids and says where the list is`, () => {
    const n = DELETED_VERSIONS_MAX + 1
    const plan: Plan = {
      packageName: 'many',
      decisions: Array.from({ length: n }, (_, i) =>
        decision({ versionId: i + 1, digest: 'sha256:' + i.toString(16).padStart(64, '0'), action: 'delete' })
      ),
      deleteOrder: Array.from({ length: n }, (_, i) => i + 1),
      warnings: []
    }
    const { outputs, notes } = computeOutputs(
      report({ packages: [{ plan }], artifactName: 'retention-plan' })
    )
    expect(outputs['deleted-count']).toBe(String(n))
    expect('deleted-versions' in outputs).toBe(false)
    expect(notes).toContainEqual({
      level: 'notice',
      text:
        `deleted-versions is not set: ${n} ids exceed the ${DELETED_VERSIONS_MAX} an output carries here; the full ` +
        'list is in the journal /tmp/ghcr-retention-journal.json (artifact retention-plan).'
    })
  })
})

describe('outputs through GITHUB_OUTPUT', () => {
  let dir: string
  let file: string
  const saved = process.env.GITHUB_OUTPUT
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'report-out-'))
    file = path.join(dir, 'output')
    writeFileSync(file, '')
    process.env.GITHUB_OUTPUT = file
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT
    else process.env.GITHUB_OUTPUT = saved
    rmSync(dir, { recursive: true, force: true })
  })

  it('writes every output as a delimited block the runner reads back exactly, line breaks included', () => {
    emitOutputs(report({ journalFile: '/tmp/plan\nwith a line break.json' }), core)
    core.setOutput('probe', 'first line\nsecond=line\n')
    const parsed = parseOutputFile(readFileSync(file, 'utf8'))
    expect(parsed).toEqual({
      'deleted-count': '3',
      'kept-count': '4',
      'deleted-versions': '[241406801,241387187,241362761]',
      'journal-file': '/tmp/plan\nwith a line break.json',
      remaining: '0',
      'freed-bytes': '0',
      probe: 'first line\nsecond=line\n'
    })
  })
})

describe('freedBytes', () => {
  // Deleted orphan A: config cA, layers base (shared with kept K) and mid (shared with deleted B).
  // Deleted orphan B: config cB, layers mid and top. Kept K: config cK, layer base.
  const plan: Plan = {
    packageName: 'app',
    decisions: [
      decision({ versionId: 1, digest: dg('a0'), action: 'delete' }),
      decision({ versionId: 2, digest: dg('b0'), action: 'delete' }),
      decision({ versionId: 3, digest: dg('c0'), action: 'keep' }),
      decision({
        versionId: 4,
        digest: dg('d0'),
        action: 'delete',
        mediaType: 'oci-index',
        role: 'ghost-index'
      })
    ],
    deleteOrder: [4, 1, 2],
    warnings: []
  }
  const manifests = new Map([
    [
      dg('a0'),
      imageManifest(dg('a0'), [
        [dg('ca'), 10],
        [dg('ba'), 1000],
        [dg('mi'), 200]
      ])
    ],
    [
      dg('b0'),
      imageManifest(dg('b0'), [
        [dg('cb'), 20],
        [dg('mi'), 200],
        [dg('to'), 3000]
      ])
    ],
    [
      dg('c0'),
      imageManifest(dg('c0'), [
        [dg('ck'), 30],
        [dg('ba'), 1000]
      ])
    ]
  ])

  it('counts each blob once, and only blobs no surviving image references', () => {
    expect(freedBytes([{ plan, manifests }], true)).toEqual({
      bytes: 10 + 200 + 20 + 3000,
      blobs: 4,
      deleted: 3,
      deletedRead: 2,
      survivingUnread: 0
    })
  })

  it('lets a refused delete protect its blobs, and an already-gone version count for nothing', () => {
    const run = freedBytes(
      [
        {
          plan,
          manifests,
          execution: execution({
            deleted: [4, 1],
            refused: [{ versionId: 2, digest: dg('b0'), status: 400, message: 'no' }]
          })
        }
      ],
      false
    )
    expect(run.bytes).toBe(10)
    const gone = freedBytes(
      [{ plan, manifests, execution: execution({ deleted: [4, 1], gone: [2] }) }],
      false
    )
    expect(gone.bytes).toBe(10 + 200)
  })

  it('protects blobs a kept image of another package uses, and counts surviving images it could not read', () => {
    const other: Plan = {
      packageName: 'other',
      decisions: [
        decision({ versionId: 9, digest: dg('e0'), action: 'keep' }),
        decision({ versionId: 10, digest: dg('f0'), action: 'keep' })
      ],
      deleteOrder: [],
      warnings: []
    }
    const otherManifests = new Map([
      [
        dg('e0'),
        imageManifest(dg('e0'), [
          [dg('ce'), 5],
          [dg('to'), 3000]
        ])
      ]
    ])
    const r = freedBytes(
      [
        { plan, manifests },
        { plan: other, manifests: otherManifests }
      ],
      true
    )
    expect(r.bytes).toBe(10 + 200 + 20)
    expect(r.survivingUnread).toBe(1)
  })
})
