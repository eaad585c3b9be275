// Every row of the three migration tables in docs/migration.md has a proof case here. A selection row is proven
// by applying the peer's documented semantics (migrationPeers.ts) and our translation, read from the row itself,
// to one fixture package through the real planner: both select the same versions, or the case lists the exact
// versions that differ and the doc states why. The comparison is over every version: what we delete with an
// index or image (its platform images, attestations, signatures, referrers) is our closure, and where a peer
// leaves those behind the difference is listed. Other rows are proven by what they claim about our inputs.
import { describe, expect, it } from '@jest/globals'
import { compilePolicy } from '../../src/planner/compilePolicy.js'
import { PackageGlobs } from '../../src/github/packageGlobs.js'
import { planWith } from '../planner/scenarioHelpers.js'
import { loadActionMetadata, readRepoFile } from '../ship/repoFiles.js'
import { marked, type Tokens } from 'marked'
import { parse as parseYaml } from 'yaml'
import { readMigrationDoc, translate, type Peer, type Row } from './migrationDoc.js'
import {
  buildFixture,
  dataaxiom,
  deletePackageVersions,
  dg,
  snok,
  type PeerConfig,
  type PeerResult
} from './migrationPeers.js'

const markdown = readRepoFile('docs/migration.md')
const doc = readMigrationDoc(markdown)
const action = loadActionMetadata()
const declared = new Set(Object.keys(action.inputs))
const peers: Record<Peer, (b: ReturnType<typeof buildFixture>, c: PeerConfig) => PeerResult> = {
  snok,
  dataaxiom,
  dpv: deletePackageVersions
}

interface Scenario {
  readonly config: PeerConfig
  /** Values the row's notes prescribe for our inputs it names without one. */
  readonly prescribed?: Readonly<Record<string, string>>
  /** Versions only the peer deletes / only we delete; `doc` must appear in that peer's section. */
  readonly peerOnly?: readonly string[]
  readonly oursOnly?: readonly string[]
  readonly doc?: readonly string[]
}

type Case =
  | { readonly kind: 'selection'; readonly scenarios: readonly Scenario[]; readonly check?: () => void }
  /** Our inputs (or outputs) the row names are declared in action.yml; `check` proves the note's claim. */
  | { readonly kind: 'inputs'; readonly outputs?: boolean; readonly check?: (row: Row) => void }
  /** `—`: no input of ours answers to the peer's name, unless `check` says what ours means instead. */
  | { readonly kind: 'none'; readonly check?: (row: Row) => void }

const inputs = (check?: (row: Row) => void): Case => ({ kind: 'inputs', check })
const selection = (...scenarios: Scenario[]): Case => ({ kind: 'selection', scenarios })
/** A selection row whose note also claims something about our input syntax. */
const withCheck = (check: () => void, ...scenarios: Scenario[]): Case => ({
  kind: 'selection',
  scenarios,
  check
})
const none = (check?: (row: Row) => void): Case => ({ kind: 'none', check })

const globsCheck = (): void => {
  const globs = new PackageGlobs(['app/*', 'tools/**'])
  expect(['app/web', 'app/web/debug', 'tools/a/b'].map(n => globs.matches(n))).toEqual([true, false, true])
  expect(new PackageGlobs(['app']).literals).toEqual(['app'])
}
const durationCheck =
  (...values: string[]) =>
  (): void => {
    for (const value of values) expect(() => compilePolicy({ 'older-than': value })).not.toThrow()
  }
const ageByCheck = (): void => {
  const spellings = { updated_at: 'updated', created_at: 'created', updated: 'updated', created: 'created' }
  for (const [value, ageBy] of Object.entries(spellings))
    expect(compilePolicy({ 'age-by': value }).ageBy).toBe(ageBy)
}

// Reach of the fixture (migrationPeers.ts): the versions a peer and we treat differently, by name.
const V3_CHILDREN = ['v3.0.0/amd64', 'v3.0.0/arm64', 'v3.0.0/att']
const NIGHTLY_CHILDREN = ['nightly/amd64', 'nightly/arm64']

const CASES: Readonly<Record<Peer, Readonly<Record<string, Case>>>> = {
  snok: {
    '`account`': inputs(),
    '`token`': inputs(),
    '`image-names`': inputs(globsCheck),
    '`image-tags`': selection({
      config: { 'image-tags': '!latest !v* pr-*', 'cut-off': '2w' },
      prescribed: { 'keep-tags': 'latest, v*', 'delete-tags': 'pr-*' },
      // snok protects only the children of kept *tagged* indexes and knows no `subject`.
      peerOnly: ['uindex-2/amd64', 'v2.0.0.sbom'],
      doc: ['protect them for every kept version (tagged or not)', 'OCI referrers']
    }),
    '`tag-selection: both` + `cut-off`': selection({
      config: { 'tag-selection': 'both', 'cut-off': '2w' },
      peerOnly: ['uindex-2/amd64', 'gone.sig'],
      doc: ['protect them for every kept version (tagged or not)', 'delete-dangling']
    }),
    '`tag-selection: tagged` + `cut-off`': selection({
      config: { 'tag-selection': 'tagged', 'cut-off': '2w' },
      // snok leaves the platform images and signatures of a deleted index or image behind as untagged
      // versions (or, for signatures, deletes them only while they are old); we delete them with it.
      oursOnly: [...V3_CHILDREN, ...NIGHTLY_CHILDREN, 'v2.0.0.sbom', 'partial/amd64'],
      peerOnly: ['gone.sig'],
      doc: ['is deleted with it', 'delete-dangling']
    }),
    '`tag-selection: untagged` + `cut-off`': selection({
      config: { 'tag-selection': 'untagged', 'cut-off': '2w' },
      peerOnly: ['uindex-2/amd64', 'v2.0.0.sbom'],
      doc: ['protect them for every kept version (tagged or not)']
    }),
    '`cut-off`': withCheck(durationCheck('2w 3d', '12h', 'P30D'), {
      config: { 'cut-off': '2w' },
      peerOnly: ['uindex-2/amd64', 'gone.sig'],
      doc: ['protect them for every kept version (tagged or not)', 'delete-dangling']
    }),
    '`keep-n-most-recent`': selection({
      config: { 'tag-selection': 'tagged', 'cut-off': '2w', 'keep-n-most-recent': '2' },
      // snok spares the 2 newest of the old candidates (pr-2, v2.1.0-rc.1); we spare the 2 newest candidates,
      // which are younger than the cut-off anyway, so those two go.
      peerOnly: ['gone.sig'],
      oursOnly: [...V3_CHILDREN, ...NIGHTLY_CHILDREN, 'v2.0.0.sbom', 'partial/amd64', 'pr-2', 'v2.1.0-rc.1'],
      doc: [
        'everything younger than the cut-off plus N more survive',
        'is deleted with it',
        'delete-dangling'
      ]
    }),
    '`timestamp-to-use`': withCheck(ageByCheck, {
      config: { 'tag-selection': 'tagged', 'cut-off': '2w', 'timestamp-to-use': 'created_at' },
      oursOnly: [...V3_CHILDREN, ...NIGHTLY_CHILDREN, 'v2.0.0.sbom', 'partial/amd64'],
      peerOnly: ['gone.sig'],
      doc: ['is deleted with it']
    }),
    '`skip-shas`': selection({
      config: { 'tag-selection': 'tagged', 'cut-off': '2w', 'skip-shas': dg('v3.0.0') },
      oursOnly: [...NIGHTLY_CHILDREN, 'v2.0.0.sbom', 'partial/amd64'],
      peerOnly: ['gone.sig', 'v3.0.0.sig'],
      doc: ['its signatures']
    }),
    '`dry-run`': inputs(),
    '`rust-log`': none(),
    outputs: { kind: 'inputs', outputs: true }
  },
  dataaxiom: {
    '`token`': inputs(),
    '`owner`': inputs(),
    '`repository`': none(row => {
      expect(String(action.inputs.repository?.description)).toMatch(/pr-tag/)
      expect(row.notes).toMatch(/pr-tag/)
    }),
    '`package`, `packages`': inputs(),
    '`expand-packages`': inputs(globsCheck),
    '`delete-tags`, `tags`': selection({
      config: { 'delete-tags': 'pr-*', 'delete-untagged': 'false' }
    }),
    '`exclude-tags`': selection({
      config: { 'exclude-tags': 'v*, latest', 'keep-n-tagged': '3', 'delete-untagged': 'false' }
    }),
    '`use-regex: true` + `delete-tags`': selection({
      config: { 'use-regex': 'true', 'delete-tags': 'pr-[0-9]', 'delete-untagged': 'false' }
    }),
    '`keep-n-tagged`': selection({ config: { 'keep-n-tagged': '4', 'delete-untagged': 'false' } }),
    '`keep-n-untagged`': selection({
      config: { 'keep-n-untagged': '1' },
      peerOnly: ['orphan-3'],
      doc: ['untagged-grace']
    }),
    '`delete-untagged`': selection({
      config: { 'delete-untagged': 'true' },
      peerOnly: ['orphan-3', 'uindex-2', 'uindex-2/amd64'],
      doc: ['has no grace period of its own']
    }),
    '`delete-ghost-images`': selection({
      config: { 'delete-ghost-images': 'true', 'delete-untagged': 'false' }
    }),
    '`delete-partial-images`': selection({
      config: { 'delete-partial-images': 'true', 'delete-untagged': 'false' }
    }),
    '`delete-orphaned-images`': selection({
      config: { 'delete-orphaned-images': 'true', 'delete-untagged': 'false' }
    }),
    '`older-than`': withCheck(durationCheck('15 days', '6 months'), {
      config: { 'older-than': '15 days' },
      doc: ['selects every tagged image older than it']
    }),
    '`older-than` + `delete-tags`': selection({
      config: { 'older-than': '15 days', 'delete-tags': 'pr-*', 'delete-untagged': 'false' }
    }),
    '`older-than` + `keep-n-tagged`': selection({
      config: { 'older-than': '15 days', 'keep-n-tagged': '2', 'delete-untagged': 'false' },
      // dataaxiom keeps the 2 newest images older than 15 days; we keep the 2 newest, both younger.
      oursOnly: ['pr-2', 'v2.1.0-rc.1'],
      doc: ['the N newest of the older images']
    }),
    '`validate`': inputs(),
    '`dry-run`': inputs(),
    '`log-level`': none(),
    '`registry-url`': inputs(),
    '`github-api-url`': inputs(),
    '(manifest cache, always on)': inputs()
  },
  dpv: {
    '`package-name` + `package-type`': inputs(),
    '`owner`': inputs(),
    '`token`': inputs(),
    '`min-versions-to-keep`': selection({
      config: { 'min-versions-to-keep': '3' },
      // Their 3 newest versions are v2.1.0, pr-3 and the untagged index uindex-2, whose platform image they
      // delete; ours are the 3 newest images (pr-2 instead of uindex-2, an orphan inside untagged-grace).
      peerOnly: ['pr-2', 'uindex-2/amd64', 'orphan-3', 'gone.sig'],
      doc: ['"keep 10" may keep two multi-platform images', 'untagged-grace', 'delete-dangling']
    }),
    '`min-versions-to-keep` + `delete-only-untagged-versions: true`': selection({
      config: { 'min-versions-to-keep': '1', 'delete-only-untagged-versions': 'true' },
      // They delete the platform images, attestations and referrers of kept images (the tags stay listed and
      // fail to pull); the young orphan waits out our untagged-grace.
      peerOnly: [
        ...V3_CHILDREN,
        ...NIGHTLY_CHILDREN,
        'partial/amd64',
        'uindex-2/amd64',
        'v2.0.0.sbom',
        'orphan-3'
      ],
      doc: ['Untagged is not unused', 'untagged-grace']
    }),
    '`delete-only-untagged-versions: true`': selection({
      config: { 'delete-only-untagged-versions': 'true' },
      peerOnly: [
        ...V3_CHILDREN,
        ...NIGHTLY_CHILDREN,
        'partial/amd64',
        'uindex-2',
        'uindex-2/amd64',
        'v2.0.0.sbom',
        'orphan-3'
      ],
      doc: ['Untagged is not unused', 'untagged-grace']
    }),
    '`num-old-versions-to-delete`': none(),
    '`ignore-versions`': selection({
      config: { 'min-versions-to-keep': '3', 'ignore-versions': 'v1\\.0\\.0' },
      prescribed: { 'keep-tags': '/v1\\.0\\.0/' },
      // Their regex never matches a digest, so v1.0.0 goes; the rest is the min-versions-to-keep difference.
      peerOnly: ['v1.0.0', 'pr-2', 'uindex-2/amd64', 'orphan-3', 'gone.sig'],
      doc: ['which is the digest, not a tag', '"keep 10" may keep two multi-platform images']
    }),
    '`delete-only-pre-release-versions: true` + `min-versions-to-keep`': selection({
      config: { 'delete-only-pre-release-versions': 'true', 'min-versions-to-keep': '2' },
      // They keep the 2 newest versions (v2.1.0, pr-3) and delete every release with what it owns; we keep the
      // releases, the 2 newest other images (pr-3, pr-2) and the young untagged index.
      peerOnly: [
        'v0.9.0',
        'v1.0.0',
        'v1.1.0',
        'v1.1.0.sig',
        'v2.0.0',
        'v2.0.0.sbom',
        'v3.0.0',
        'v3.0.0.sig',
        ...V3_CHILDREN,
        'pr-2',
        'uindex-2',
        'uindex-2/amd64',
        'orphan-3',
        'gone.sig'
      ],
      doc: ['every version counts as a pre-release', 'untagged-grace', 'delete-dangling']
    }),
    '`package-version-ids`': none(),
    '(100 deletions per run)': inputs()
  }
}

const sorted = (names: Iterable<string>): string[] => [...names].sort()

/** What our planner does with the inputs: versions deleted and tags removed from kept versions. */
function ours(inputs: Record<string, string>): PeerResult {
  const fixture = buildFixture()
  const planned = planWith(fixture, inputs)
  const names = new Map(fixture.names().map(n => [dg(n), n]))
  const untagged = new Map<string, string[]>()
  for (const d of planned.plan.decisions) {
    if (d.untagTags?.length) untagged.set(names.get(d.digest)!, [...d.untagTags])
  }
  return { deleted: new Set(planned.deleted()), untagged }
}

describe('docs/migration.md', () => {
  it('every table row has a proof case, and every case a row', () => {
    const rowKeys = doc.rows.map(r => `${r.peer} ${r.key}`)
    const caseKeys = (Object.keys(CASES) as Peer[]).flatMap(p => Object.keys(CASES[p]).map(k => `${p} ${k}`))
    expect({ rowsWithoutCase: rowKeys.filter(k => !caseKeys.includes(k)) }).toEqual({ rowsWithoutCase: [] })
    expect({ casesWithoutRow: caseKeys.filter(k => !rowKeys.includes(k)) }).toEqual({ casesWithoutRow: [] })
  })

  for (const peer of Object.keys(CASES) as Peer[]) {
    for (const [key, proof] of Object.entries(CASES[peer])) {
      const row = doc.rows.find(r => r.peer === peer && r.key === key)
      if (proof.kind !== 'selection') {
        it(`${peer} ${key} → ${row?.oursText ?? '(no row)'}`, () => {
          expect(row).toBeDefined()
          if (proof.kind === 'none') {
            expect(row!.ours).toEqual([])
            for (const alt of row!.peerInputs.flat()) {
              if (!proof.check) expect(declared.has(alt.name)).toBe(false)
            }
          } else {
            const names = row!.ours.map(s => s.name)
            expect(names.length).toBeGreaterThan(0)
            const known = new Set(Object.keys(proof.outputs ? action.outputs : action.inputs))
            expect(names.filter(n => !known.has(n))).toEqual([])
          }
          proof.check?.(row!)
        })
        continue
      }
      if (proof.check) it(`${peer} ${key}: the note's syntax`, proof.check)
      for (const scenario of proof.scenarios) {
        it(`${peer} ${key}: ${JSON.stringify(scenario.config)}`, () => {
          const problems: string[] = []
          if (!row) problems.push(`no row ${key} in the ${peer} table`)
          const t = translate(doc, peer, scenario.config, declared, scenario.prescribed)
          problems.push(...t.problems)
          if (row && !t.rows.includes(row)) problems.push(`the scenario does not exercise row ${key}`)
          for (const phrase of scenario.doc ?? []) {
            if (!(doc.intro + doc.sectionText[peer]).replace(/\s+/g, ' ').includes(phrase))
              problems.push(`the ${peer} section does not say "${phrase}"`)
          }
          let ourResult: PeerResult | undefined
          try {
            ourResult = ours(t.inputs)
          } catch (error) {
            problems.push(
              `our translation ${JSON.stringify(t.inputs)} is refused: ${(error as Error).message}`
            )
          }
          const peerResult = peers[peer](buildFixture(), scenario.config)
          const actual = ourResult && {
            translation: t.inputs,
            peerOnly: sorted([...peerResult.deleted].filter(n => !ourResult.deleted.has(n))),
            oursOnly: sorted([...ourResult.deleted].filter(n => !peerResult.deleted.has(n))),
            untag: Object.fromEntries(ourResult.untagged)
          }
          expect({ problems, ...actual }).toEqual({
            problems: [],
            ...(actual && {
              translation: t.inputs,
              peerOnly: sorted(scenario.peerOnly ?? []),
              oursOnly: sorted(scenario.oursOnly ?? []),
              untag: Object.fromEntries(peerResult.untagged)
            })
          })
        })
      }
    }
  }

  it('the worked migration is what the snok table gives, and deletes what snok deletes but what it owns', () => {
    const tokens = marked.lexer(markdown)
    const start = tokens.findIndex(
      t => t.type === 'heading' && (t as Tokens.Heading).text === 'A worked migration'
    )
    const steps = tokens
      .slice(start)
      .filter((t): t is Tokens.Code => t.type === 'code' && t.lang === 'yaml')
      .flatMap(t => parseYaml(t.text) as { uses: string; with?: Record<string, unknown> }[])
    const withOf = (prefix: string): Record<string, string> => {
      const step = steps.find(x => x.uses.startsWith(prefix))
      if (!step?.with) throw new Error(`the worked migration has no ${prefix} step`)
      return Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, String(v)]))
    }
    const theirs = withOf('snok/container-retention-policy@')
    const mine = withOf('ghcr-retention/ghcr-retention@')
    const prescribed = (CASES.snok['`image-tags`'] as { scenarios: readonly Scenario[] }).scenarios[0]
      .prescribed
    const t = translate(doc, 'snok', theirs, declared, prescribed)
    expect(t.problems).toEqual([])
    // Where to run and how (owner, token, packages, dry-run) is written by hand; the policy is the table's.
    const where = new Set(['owner', 'token', 'packages', 'dry-run'])
    const policy = (inputs: Record<string, string>) =>
      Object.fromEntries(Object.entries(inputs).filter(([k]) => !where.has(k)))
    expect(policy(mine)).toEqual(policy(t.inputs))
    const peerResult = snok(buildFixture(), theirs)
    const ourResult = ours(policy(mine))
    // The children of a young untagged index and the referrer of a kept image: snok deletes them, we keep them.
    expect(sorted([...peerResult.deleted].filter(n => !ourResult.deleted.has(n)))).toEqual([
      'uindex-2/amd64',
      'v2.0.0.sbom'
    ])
    expect(sorted([...ourResult.deleted].filter(n => !peerResult.deleted.has(n)))).toEqual([])
  })
})
