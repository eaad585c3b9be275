/**
 * Every JSON body the REST side sends, checked against GitHub's published OpenAPI description
 * (npm @octokit/openapi, generated/api.github.com.json): drift in a shape fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Ajv, type ValidateFunction } from 'ajv'
import formatsModule from 'ajv-formats'
import { startSimulator, type Simulator } from '../../src/sim/server.js'
import { fixture, image, manyImages, rest } from './simHelpers.js'

const require = createRequire(import.meta.url)
const spec = JSON.parse(
  readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')
) as { components: Record<string, unknown> }

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: rewrite it (type → [type, "null"], and a nullable
 * $ref/oneOf/allOf → anyOf [it, null]) so ajv checks what the description means.
 */
function openApiToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema)
  if (typeof node !== 'object' || node === null) return node
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(node))
    out[k] = k === 'example' || k === 'examples' ? v : openApiToJsonSchema(v)
  if (out.nullable !== true) return out
  delete out.nullable
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null']
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
    return out
  }
  return { anyOf: [out, { type: 'null' }] }
}

type FormatsPlugin = (ajv: Ajv) => Ajv
// ajv-formats is CommonJS: depending on the loader its default export is the plugin or a namespace holding it.
const formats = formatsModule as unknown as FormatsPlugin | { default: FormatsPlugin }
const addFormats: FormatsPlugin = typeof formats === 'function' ? formats : formats.default
// strict: false — the description uses OpenAPI keywords (example, nullable, x-github…) besides JSON Schema.
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)
ajv.addSchema({ $id: 'gh', components: openApiToJsonSchema(spec.components) })

const validators = new Map<string, ValidateFunction>()
function schema(name: string): ValidateFunction {
  let v = validators.get(name)
  if (!v) {
    v = ajv.compile({ $ref: `gh#/components/schemas/${name}` })
    validators.set(name, v)
  }
  return v
}

function expectShape(name: string, body: unknown): void {
  const validate = schema(name)
  const ok = validate(body)
  if (!ok)
    throw new Error(`${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`)
  expect(ok).toBe(true)
}

async function body(path: string, status: number, init: Parameters<typeof rest>[2] = {}): Promise<unknown> {
  const res = await rest(sim, path, init)
  expect(res.status).toBe(status)
  return res.json()
}

let sim: Simulator
beforeAll(async () => {
  sim = await startSimulator({ rateLimits: { patPerHour: 1_000_000 } })
  sim.addOwner('acme', 'Organization')
  sim.loadPackage(manyImages('acme', 'app', 3, 'public'))
  sim.state.packageOf('acme', 'app')!.repository = 'acme/app'
  sim.loadPackage(
    fixture('acme', 'tools/lint', [{ m: image('lint-0') }, { m: image('lint-1'), tags: ['latest'] }])
  )
  const repo = sim.state.addRepo('acme', 'app')
  repo.addBranch('main', undefined, true)
  repo.addBranch('feature/x')
  repo.addPull({ headRef: 'feature/x' })
  repo.addPull({ headRef: 'gone', state: 'closed' })
  repo.closePull(1, true)
})
afterAll(() => sim.close())

describe('REST bodies match GitHub’s OpenAPI schemas', () => {
  it('package and package-version (active, deleted, nested name)', async () => {
    const pkg = await body('/orgs/acme/packages/container/app', 200)
    expectShape('package', pkg)
    expect((pkg as { repository: { full_name: string } }).repository.full_name).toBe('acme/app')
    expectShape('package', await body('/orgs/acme/packages/container/tools%2Flint', 200))
    for (const p of (await body('/orgs/acme/packages?package_type=container', 200)) as unknown[])
      expectShape('package', p)
    const list = (await body('/orgs/acme/packages/container/tools%2Flint/versions', 200)) as { id: number }[]
    for (const v of list) expectShape('package-version', v)
    expectShape(
      'package-version',
      await body(`/orgs/acme/packages/container/tools%2Flint/versions/${list[0].id}`, 200)
    )
    await body(`/orgs/acme/packages/container/tools%2Flint/versions/${list[1].id}`, 204, {
      method: 'DELETE'
    }).catch(() => undefined)
    const deleted = (await body(
      '/orgs/acme/packages/container/tools%2Flint/versions?state=deleted',
      200
    )) as unknown[]
    expect(deleted.length).toBe(1)
    expectShape('package-version', deleted[0])
  })

  it('users: public-user for users and organizations, private-user for GET /user', async () => {
    expectShape('public-user', await body('/users/acme', 200))
    expectShape('public-user', await body(`/users/${sim.login}`, 200))
    expectShape('private-user', await body('/user', 200))
  })

  it('basic-error on 400, 401, 403, 404 and rate limits', async () => {
    expectShape(
      'basic-error',
      await body('/orgs/acme/packages?package_type=container&page=200&per_page=100', 400)
    )
    expectShape('basic-error', await body('/user', 401, { token: '' }))
    expectShape('basic-error', await body('/user', 403, { token: sim.issueToken({ kind: 'installation' }) }))
    expectShape('basic-error', await body('/orgs/acme/packages/container/nope', 404))
    expectShape('basic-error', await body('/nowhere', 404))
    const limited = sim.issueToken({ kind: 'pat', login: 'limited', rateLimit: 1 })
    await body('/user', 200, { token: limited })
    expectShape('basic-error', await body('/user', 403, { token: limited }))
  })

  it('pulls and branches', async () => {
    const pulls = (await body('/repos/acme/app/pulls?state=all', 200)) as unknown[]
    expect(pulls.length).toBe(2)
    for (const p of pulls) expectShape('pull-request-simple', p)
    expectShape('pull-request', await body('/repos/acme/app/pulls/1', 200))
    for (const b of (await body('/repos/acme/app/branches', 200)) as unknown[]) expectShape('branch-short', b)
    expectShape('branch-with-protection', await body('/repos/acme/app/branches/feature%2Fx', 200))
    expectShape('basic-error', await body('/repos/acme/app/branches/nope', 404))
  })
})

describe('the schema check itself', () => {
  it('rejects bodies that miss required fields or have the wrong types', () => {
    expect(schema('package-version')({ id: 1, name: 'sha256:x' })).toBe(false)
    expect(schema('package')({ id: '1' })).toBe(false)
    expect(schema('public-user')({ ...({} as object), login: 'x', extra: true })).toBe(false)
  })
})
