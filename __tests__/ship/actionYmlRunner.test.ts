// action.yml checked the way the runner loads it (rules in runnerRules.ts, from actions/runner's
// action_yaml.json). Before this test, outputs that repeated three inputs with `required` and `default` made
// every workflow fail to load the action while every other test passed.
import { describe, expect, it } from '@jest/globals'
import { parseYaml, readRepoFile, repoRoot } from './repoFiles.js'
import { expressionsOf, houseViolations, namesOf, runnerViolations } from './runnerRules.js'

const action = parseYaml(readRepoFile('action.yml'), 'action.yml')

/** A minimal action that loads, for the rule checker's own tests. */
const good = () => ({
  name: 'x',
  description: 'y',
  inputs: { token: { description: 't', default: '${{ github.token }}' } },
  outputs: { count: { description: 'n' } },
  runs: { using: 'node24', main: 'dist/index.js' }
})

describe('action.yml under the runner schema', () => {
  it('has nothing the runner refuses', () => {
    expect(runnerViolations(action, repoRoot)).toEqual([])
  })

  it('names only files of dist/ that exist, for any of main, pre and post', () => {
    const runs = (action as { runs: Record<string, string> }).runs
    expect(runs.main).toMatch(/^dist\//)
    // A post step (the journal upload) may be added: it passes when its file is built, fails when not.
    const withPost = {
      ...good(),
      runs: { ...good().runs, post: 'dist/post/missing.js', 'post-if': 'always()' }
    }
    expect(runnerViolations(withPost, repoRoot)).toEqual(['runs.post: dist/post/missing.js does not exist'])
    expect(runnerViolations({ ...good(), runs: { ...good().runs, pre: 'dist/index.js' } }, repoRoot)).toEqual(
      []
    )
  })
})

describe('the rule checker catches what the runner refuses', () => {
  it('accepts the minimal action', () => {
    expect(runnerViolations(good(), repoRoot)).toEqual([])
  })

  it.each<[string, (doc: ReturnType<typeof good>) => unknown, string]>([
    [
      'an output with required/default (the bug this test was written for)',
      d => ({ ...d, outputs: { cache: { description: 'c', required: false, default: 'true' } } }),
      "outputs.cache: key 'required' is not allowed (an output has only description and value)"
    ],
    [
      'an output value that is not a string',
      d => ({ ...d, outputs: { n: { description: 'n', value: 3 } } }),
      'outputs.n.value: must be a string'
    ],
    [
      'runs with a key of another kind of action',
      d => ({ ...d, runs: { ...d.runs, image: 'Dockerfile' } }),
      "runs: key 'image' is not allowed for a JavaScript action (using, main, pre, pre-if, post, post-if)"
    ],
    [
      'node20',
      d => ({ ...d, runs: { ...d.runs, using: 'node20' } }),
      'runs.using: "node20", expected \'node24\''
    ],
    [
      'a main outside dist/',
      d => ({ ...d, runs: { ...d.runs, main: 'lib/index.js' } }),
      'runs.main: lib/index.js is not in dist/'
    ],
    [
      'no main',
      d => ({ ...d, runs: { using: 'node24' } }),
      'runs.main: missing (a JavaScript action needs its entry file)'
    ],
    [
      'an empty post-if',
      d => ({ ...d, runs: { ...d.runs, 'post-if': '' } }),
      'runs.post-if: must be a non-empty string'
    ],
    [
      'an unquoted boolean default',
      d => ({ ...d, inputs: { flag: { description: 'f', default: false } } }),
      'inputs.flag.default: must be a string (quote it), not false'
    ],
    [
      'a default that reads secrets',
      d => ({ ...d, inputs: { token: { description: 't', default: '${{ secrets.GITHUB_TOKEN }}' } } }),
      "inputs.token.default: context 'secrets' is not available to an input default"
    ],
    [
      'a default that reads another input',
      d => ({ ...d, inputs: { a: { description: 'a', default: "x-${{ inputs.b || 'c' }}" } } }),
      "inputs.a.default: context 'inputs' is not available to an input default"
    ],
    [
      'a default that reads env',
      d => ({ ...d, inputs: { a: { description: 'a', default: '${{ env.HOME }}' } } }),
      "inputs.a.default: context 'env' is not available to an input default"
    ],
    [
      'a default with a status function',
      d => ({ ...d, inputs: { a: { description: 'a', default: '${{ success() }}' } } }),
      "inputs.a.default: function 'success' is not available to an input default"
    ],
    [
      'an unclosed expression',
      d => ({ ...d, inputs: { a: { description: 'a', default: '${{ github.token' } } }),
      'inputs.a.default: unclosed ${{ in "${{ github.token"'
    ],
    ['a name that is not a string', d => ({ ...d, name: ['x'] }), 'name: must be a string']
  ])('%s', (_title, change, violation) => {
    expect(runnerViolations(change(good()), repoRoot)).toContain(violation)
  })

  it('reads contexts and functions out of an expression, not property names or string literals', () => {
    expect(namesOf(" hashFiles('**/x') && github.event.inputs.env || runner.os == 'env' ")).toEqual({
      contexts: ['github', 'runner'],
      functions: ['hashFiles']
    })
    expect(namesOf("format('{0}', matrix['job'], job.status, strategy.job-index, true)")).toEqual({
      contexts: ['matrix', 'job', 'strategy'],
      functions: ['format']
    })
    expect(expressionsOf("a ${{ 'x}}y' }} b ${{ github.actor }}").expressions).toEqual([
      " 'x}}y' ",
      ' github.actor '
    ])
  })
})

describe('house rules, not enforced by the runner', () => {
  it('action.yml has only the root keys and input keys users expect', () => {
    expect(houseViolations(action)).toEqual([])
  })

  it('catches a misspelt input key and an unknown root key', () => {
    expect(
      houseViolations({ ...good(), inputs: { a: { description: 'a', defualt: 'x' } }, environment: 'x' })
    ).toEqual([
      "root: key 'environment' is not one of name, description, author, branding, inputs, outputs, runs",
      "inputs.a: key 'defualt' is not one of description, required, default, deprecationMessage"
    ])
  })
})
