import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'

describe('the bundles', () => {
  // ncc's asset relocator turns `path.resolve(dir, 'literal')` into a path inside dist/ (`__nccwpck_require__.ab`),
  // which broke the CLI's outputs file once; the action and the CLI read no asset of their own.
  it.each(['dist/index.js', 'dist/cli/index.js'])('%s has no relocated asset paths', file => {
    expect(readFileSync(file, 'utf8')).not.toMatch(/__nccwpck_require__\.ab\s*\+/)
  })
})
