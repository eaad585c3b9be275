// What GitHub Marketplace and the runner read from action.yml, and the documents a user or contributor is pointed
// to. Rules: https://docs.github.com/actions/creating-actions/metadata-syntax-for-github-actions (name,
// description, branding, runs); the colour list is the one in GitHub's action schema (@actions/workflow-parser).
import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { loadActionMetadata, parseYaml, readRepoFile, repoRoot } from './repoFiles.js'

// The badge colours, and the Feather icons the docs say are not available.
const COLORS = ['white', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
const EXCLUDED_ICONS = [
  'coffee',
  'columns',
  'divide-circle',
  'divide-square',
  'divide',
  'frown',
  'hexagon',
  'key',
  'meh',
  'mouse-pointer',
  'smile',
  'tool',
  'x-octagon',
  // brand icons are omitted too
  'chrome',
  'codepen',
  'codesandbox',
  'dribbble',
  'facebook',
  'figma',
  'framer',
  'github',
  'gitlab',
  'instagram',
  'linkedin',
  'pocket',
  'slack',
  'trello',
  'twitch',
  'twitter',
  'youtube'
]

describe('action.yml Marketplace metadata', () => {
  const action = loadActionMetadata()

  it('has a name, a one-line description and an author', () => {
    expect(typeof action.name).toBe('string')
    expect(String(action.name).trim().length).toBeGreaterThan(0)
    expect(typeof action.description).toBe('string')
    expect(String(action.description)).not.toContain('\n')
    expect(String(action.description).length).toBeGreaterThan(20)
    expect(String(action.author ?? '').length).toBeGreaterThan(0)
  })

  it('has branding with a documented colour and an available Feather icon', () => {
    expect(COLORS).toContain(action.branding?.color)
    expect(String(action.branding?.icon)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    expect(EXCLUDED_ICONS).not.toContain(action.branding?.icon)
  })

  it('runs the committed bundle on node24, and documents every input and output', () => {
    expect(action.runs).toEqual(expect.objectContaining({ using: 'node24', main: 'dist/index.js' }))
    expect(existsSync(path.join(repoRoot, 'dist/index.js'))).toBe(true)
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect({ name, described: String(spec.description ?? '').trim().length > 0 }).toEqual({
        name,
        described: true
      })
    }
  })
})

describe('contributor documents', () => {
  const { scripts } = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }

  it.each(['CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md'])(
    '%s names only npm scripts and repository scripts that exist',
    file => {
      const text = readRepoFile(file)
      for (const [, script] of text.matchAll(/npm run (?:-s )?([a-z][a-z0-9:-]*)/g)) {
        expect({ file, script, exists: script in scripts }).toEqual({ file, script, exists: true })
      }
      for (const [, script] of text.matchAll(/`(?:bash |node )?(script\/[A-Za-z0-9_.-]+)/g)) {
        expect({ file, script, exists: existsSync(path.join(repoRoot, script)) }).toEqual({
          file,
          script,
          exists: true
        })
      }
    }
  )

  it('SECURITY.md sends reports to a private advisory and says what the token can do', () => {
    const security = readRepoFile('SECURITY.md')
    expect(security).toContain('Report a vulnerability')
    expect(security).toMatch(/Do not open a public issue/)
    for (const ability of ['**list**', '**delete**', '**restore**']) expect(security).toContain(ability)
    expect(security).toContain('## Tokens never reach a log')
  })

  it('the issue chooser sends security reports to a private advisory', () => {
    const config = parseYaml(
      readRepoFile('.github/ISSUE_TEMPLATE/config.yml'),
      'ISSUE_TEMPLATE/config.yml'
    ) as {
      contact_links: { url: string }[]
    }
    expect(config.contact_links.map(link => link.url)).toContainEqual(
      expect.stringMatching(/^https:\/\/github\.com\/[^/]+\/[^/]+\/security\/advisories\/new$/)
    )
    const form = parseYaml(readRepoFile('.github/ISSUE_TEMPLATE/bug_report.yml'), 'bug_report.yml') as {
      body: { type: string; id?: string }[]
    }
    expect(form.body.map(field => field.id).filter(Boolean)).toEqual([
      'version',
      'inputs',
      'what-happened',
      'log'
    ])
  })
})
