import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { ACTION_INPUTS, CliUsageError, parseArgs, summarise, USAGE } from '../../src/cli/args.js'
import { renderCommandLine } from '../../src/cli/terminal.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe('parseArgs', () => {
  it('reads --name value, --name=value and a bare --flag as true', () => {
    const args = parseArgs([
      '--owner',
      'acme',
      '--packages=app, app/*',
      '--dry-run',
      '--keep-tags',
      'latest',
      '--untag',
      '--older-than=30d'
    ])
    expect(args.inputs).toEqual({
      owner: 'acme',
      packages: 'app, app/*',
      'dry-run': 'true',
      'keep-tags': 'latest',
      untag: 'true',
      'older-than': '30d'
    })
    expect(args).toMatchObject({ summaryFile: 'ghcr-retention-summary.md', debug: false, help: false })
    expect(args.jsonFile).toBeUndefined()
  })

  it('keeps the CLI-only flags apart from the action inputs', () => {
    const args = parseArgs([
      '--summary',
      'out/s.md',
      '--json',
      'out/plan.json',
      '--cache-dir',
      '.cache',
      '--workspace=../repo',
      '--debug',
      '--dry-run',
      'false'
    ])
    expect(args).toEqual({
      inputs: { 'dry-run': 'false' },
      summaryFile: 'out/s.md',
      jsonFile: 'out/plan.json',
      cacheDir: '.cache',
      workspace: '../repo',
      debug: true,
      help: false
    })
    expect(parseArgs(['--journal-file', 'p.json']).jsonFile).toBe('p.json')
    expect(parseArgs(['-h']).help).toBe(true)
  })

  it('refuses the token on the command line', () => {
    expect(() => parseArgs(['--token', 'ghp_x'])).toThrow('pass the token in GITHUB_TOKEN or GH_TOKEN')
    expect(() => parseArgs(['--token=ghp_x'])).toThrow(CliUsageError)
  })

  it('refuses a misspelt flag instead of ignoring it, and suggests the right one', () => {
    expect(() => parseArgs(['--dry-rnu'])).toThrow('unknown flag --dry-rnu (did you mean --dry-run?)')
    expect(() => parseArgs(['--keep-n-taged', '3'])).toThrow('did you mean --keep-n-tagged?')
    expect(() => parseArgs(['--frobnicate'])).toThrow(/^unknown flag --frobnicate\n/)
    expect(() => parseArgs(['app'])).toThrow('unexpected argument "app"')
  })

  it('knows exactly the inputs action.yml declares', () => {
    const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>
    }
    expect([...ACTION_INPUTS]).toEqual(Object.keys(action.inputs))
  })
})

describe('--help', () => {
  const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string }>
  }
  const lines = USAGE.split('\n')
  const flagLine = (flag: string): string | undefined =>
    lines.find(line => line.startsWith(`  ${flag} `) || line === `  ${flag}`)

  it('lists every action.yml input but the token as a flag, with the start of its description', () => {
    const missing: string[] = []
    for (const [name, spec] of Object.entries(action.inputs)) {
      if (name === 'token') continue
      const line = flagLine(`--${name}`)
      // The line's text is the description's first words (or a shortened form of its first sentence).
      const firstWord = spec.description.trim().split(/\s+/)[0]
      if (!line || !line.slice(`  --${name}`.length).trim().startsWith(firstWord)) missing.push(name)
    }
    expect(missing).toEqual([])
    expect(flagLine('--token')).toBeUndefined()
    expect(USAGE).toContain('GITHUB_TOKEN or GH_TOKEN')
  })

  it('lists the command-line flags too, each with a description', () => {
    for (const flag of ['--summary', '--json', '--cache-dir', '--workspace', '--debug', '--help']) {
      const line = lines.find(l => l.startsWith(`  ${flag}`))
      expect({ flag, described: (line ?? '').replace(/^\s*--\S+( [A-Z]+)?/, '').trim().length > 5 }).toEqual({
        flag,
        described: true
      })
    }
  })

  it('keeps each flag to one line of at most 140 characters', () => {
    const flagLines = lines.filter(line => /^ {2}--/.test(line))
    expect(flagLines.length).toBe(Object.keys(action.inputs).length - 1 + 6)
    expect(flagLines.filter(line => line.length > 140)).toEqual([])
  })
})

describe('summarise', () => {
  it('takes the first sentence, not stopping at e.g. or inside code', () => {
    expect(summarise('Keep N. Then more.')).toBe('Keep N.')
    expect(summarise('Templates, e.g. `pr-{number}`. More.')).toBe('Templates, e.g. `pr-{number}`.')
    expect(summarise('Versions (`v1.2.3` or `1.2`) only. More.')).toBe('Versions (`v1.2.3` or `1.2`) only.')
  })

  it('shortens a long first sentence: asides, then the part after a colon, then trailing clauses', () => {
    const long = 'x'.repeat(90)
    const mid = 'x'.repeat(60)
    expect(summarise(`Cut asides (${long}) out, here (\`a(b)\` too).`)).toBe('Cut asides out, here.')
    expect(summarise(`Keep releases by semantic version: ${long} and ${long}.`)).toBe(
      'Keep releases by semantic version.'
    )
    expect(summarise(`A window of time, ${mid}, ${mid}.`)).toBe(`A window of time, ${mid}.`)
    expect(summarise(`${'word '.repeat(40)}end.`)).toMatch(/^(word ){18}word…$/)
  })
})

describe('renderCommandLine', () => {
  it('shows workflow commands the way the Actions log does', () => {
    expect(renderCommandLine('plain line', false)).toBe('plain line')
    expect(renderCommandLine('::debug::why', false)).toBeUndefined()
    expect(renderCommandLine('::debug::why%0Athen', true)).toBe('debug: why\nthen')
    expect(renderCommandLine('::add-mask::secret', true)).toBeUndefined()
    expect(renderCommandLine('::group::app', false)).toBe('▸ app')
    expect(renderCommandLine('::endgroup::', false)).toBeUndefined()
    expect(
      renderCommandLine('::warning title=Pinned digest not found,file=a%2Cb.yml,line=3::gone 100%25', false)
    ).toBe('warning: Pinned digest not found: gone 100% (a,b.yml:3)')
    expect(renderCommandLine('::error::failed', false)).toBe('error: failed')
  })
})
