// Writes dist/licenses.txt: the licence of every third-party package whose code is in a bundle under dist/.
// ncc's own `--license` list misses the ES-module packages (@actions/core, @octokit/*, ...), so the list is built
// from what the bundles really contain: the node_modules paths among each source map's sources.
// Format as ncc writes it: name, licence, licence text; entries separated by a blank line.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist')
const LICENCE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i

const walk = dir =>
  readdirSync(dir).flatMap(name => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? walk(full) : [full]
  })

/** `…/node_modules/@scope/name/lib/x.js` → `node_modules/@scope/name` (the innermost package directory). */
const packageDir = source => {
  const at = source.lastIndexOf('node_modules/')
  if (at < 0) return undefined
  const rest = source.slice(at + 'node_modules/'.length).split('/')
  const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  return path.join(root, source.slice(source.indexOf('node_modules/'), at), 'node_modules', name)
}

const packages = new Map()
for (const map of walk(dist).filter(f => f.endsWith('.js.map'))) {
  for (const source of JSON.parse(readFileSync(map, 'utf8')).sources) {
    const dir = packageDir(source.replace(/^(\.\.?\/)+/, ''))
    if (!dir || !existsSync(path.join(dir, 'package.json'))) continue
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
    if (packages.has(pkg.name)) continue
    const licence = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN')
    const file = readdirSync(dir).find(name => LICENCE_FILE.test(name))
    const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : ''
    packages.set(pkg.name, { licence, text })
  }
}

const entries = [...packages].sort(([a], [b]) => (a < b ? -1 : 1))
writeFileSync(
  path.join(dist, 'licenses.txt'),
  entries.map(([name, { licence, text }]) => `${name}\n${licence}\n${text}`).join('\n\n') + '\n'
)
console.log(`dist/licenses.txt: ${entries.length} packages`)
