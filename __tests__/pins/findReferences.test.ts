import { describe, expect, it } from '@jest/globals'
import { findReferences } from '../../src/pins/findReferences.js'

const HEX = 'a'.repeat(40) + '0123456789abcdef01234567'
const D = `sha256:${HEX}`

function refs(text: string, file = 'x.yaml', hosts = ['ghcr.io']) {
  return findReferences(text, file, hosts).map(r => ({
    pkg: `${r.host}/${r.owner}/${r.packageName}`,
    tag: r.tag,
    digest: r.digest,
    line: r.line
  }))
}

describe('findReferences: inline references', () => {
  it.each([
    ['plain', `image: ghcr.io/acme/app@${D}`, 'ghcr.io/acme/app', undefined],
    ['tag and digest', `image: ghcr.io/acme/app:1.2.3@${D}`, 'ghcr.io/acme/app', '1.2.3'],
    ['double quotes', `"ghcr.io/acme/app@${D}"`, 'ghcr.io/acme/app', undefined],
    ['single quotes', `'ghcr.io/acme/app:v1@${D}'`, 'ghcr.io/acme/app', 'v1'],
    ['docker:// action', `uses: docker://ghcr.io/acme/app@${D}`, 'ghcr.io/acme/app', undefined],
    ['Dockerfile FROM … AS', `FROM ghcr.io/acme/base:22@${D} AS build`, 'ghcr.io/acme/base', '22'],
    ['COPY --from', `COPY --from=ghcr.io/acme/tools@${D} /a /b`, 'ghcr.io/acme/tools', undefined],
    ['HCL', `  image = "ghcr.io/acme/app@${D}"`, 'ghcr.io/acme/app', undefined],
    ['nested package', `ghcr.io/acme/app/tools/lint:2@${D}`, 'ghcr.io/acme/app/tools/lint', '2'],
    ['mixed-case owner', `ghcr.io/AcMe/App@${D}`, 'ghcr.io/acme/app', undefined],
    ['upper-case digest', `ghcr.io/acme/app@sha256:${HEX.toUpperCase()}`, 'ghcr.io/acme/app', undefined],
    ['separators in names', `ghcr.io/my-org/my_app.web__x@${D}`, 'ghcr.io/my-org/my_app.web__x', undefined],
    ['JSON', `{"image":"ghcr.io/acme/app@${D}"}`, 'ghcr.io/acme/app', undefined],
    ['a comment counts too', `# pinned: ghcr.io/acme/app@${D}`, 'ghcr.io/acme/app', undefined]
  ])('%s', (_name, text, pkg, tag) => {
    expect(refs(text)).toEqual([{ pkg, tag, digest: D, line: 1 }])
  })

  it.each([
    ['a tag only', 'image: ghcr.io/acme/app:1.2.3'],
    ['another registry', `image: docker.io/acme/app@${D}`],
    ['a look-alike host before', `image: notghcr.io/acme/app@${D}`],
    ['a look-alike host after', `image: ghcr.io.example.com/acme/app@${D}`],
    ['no owner', `image: ghcr.io/app@${D}`],
    ['65 hex digits', `ghcr.io/acme/app@${D}0`],
    ['63 hex digits', `ghcr.io/acme/app@${D.slice(0, -1)}`],
    ['another algorithm', `ghcr.io/acme/app@sha512:${HEX}${HEX}`],
    ['a template', 'ghcr.io/acme/app@${{ steps.build.outputs.digest }}']
  ])('ignores %s', (_name, text) => {
    expect(refs(text)).toEqual([])
  })

  it('reports the line of each reference, once per digest and package', () => {
    const text = [
      'a: 1',
      `b: ghcr.io/acme/app@${D}`,
      '',
      `c: ghcr.io/acme/app@${D}`,
      `d: ghcr.io/acme/other@${D}`
    ].join('\n')
    expect(refs(text).map(r => [r.pkg, r.line])).toEqual([
      ['ghcr.io/acme/app', 2],
      ['ghcr.io/acme/other', 5]
    ])
  })

  it('knows a registry with a port (the simulator, a GHES registry)', () => {
    expect(refs(`image: 127.0.0.1:5000/acme/app@${D}`, 'x.yaml', ['127.0.0.1:5000'])).toEqual([
      { pkg: '127.0.0.1:5000/acme/app', tag: undefined, digest: D, line: 1 }
    ])
  })
})

describe('findReferences: image and digest in separate YAML keys', () => {
  it('Kustomize images: newName + digest, name + digest, and not a neighbour’s digest', () => {
    const text = [
      'images:',
      '  - name: app',
      '    newName: ghcr.io/acme/app',
      `    digest: ${D}`,
      '  - name: ghcr.io/acme/worker',
      '    newTag: "2.0"',
      '  - digest: sha256:' + 'b'.repeat(64),
      '    name: ghcr.io/acme/cron'
    ].join('\n')
    expect(refs(text)).toEqual([
      { pkg: 'ghcr.io/acme/app', tag: undefined, digest: D, line: 4 },
      { pkg: 'ghcr.io/acme/cron', tag: undefined, digest: 'sha256:' + 'b'.repeat(64), line: 7 }
    ])
  })

  it('Helm: registry + repository + tag + digest, and repository with the host', () => {
    const text = [
      'image:',
      '  registry: ghcr.io',
      '  repository: acme/app',
      '  tag: "1.2.0"',
      `  digest: "${D}"`,
      'worker:',
      '  image:',
      '    repository: ghcr.io/acme/worker',
      '    pullPolicy: IfNotPresent',
      '    # set by CI',
      `    digest: ${D} # pinned`
    ].join('\n')
    expect(refs(text)).toEqual([
      { pkg: 'ghcr.io/acme/app', tag: '1.2.0', digest: D, line: 5 },
      { pkg: 'ghcr.io/acme/worker', tag: undefined, digest: D, line: 11 }
    ])
  })

  it('does not pair a digest with an image of another mapping', () => {
    const text = ['app:', '  image: ghcr.io/acme/app', 'other:', `  digest: ${D}`].join('\n')
    expect(refs(text)).toEqual([])
  })

  it('reads split forms only in YAML files', () => {
    const text = ['repository: ghcr.io/acme/app', `digest: ${D}`].join('\n')
    expect(refs(text, 'values.yaml')).toHaveLength(1)
    expect(refs(text, 'main.tf')).toEqual([])
  })
})
