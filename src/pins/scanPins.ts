import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { compileGlob } from '../patterns/glob.js'
import { SKIPPED_DIRECTORIES } from './defaultGlobs.js'
import { findReferences } from './findReferences.js'
import type { PinnedReference } from './PinnedReference.js'

export interface PinScanOptions {
  /** The directory to scan (the checkout: GITHUB_WORKSPACE). */
  readonly root: string
  /** Files to read, globs relative to `root` (minimatch syntax, matched on RE2 by src/patterns/glob.ts). */
  readonly globs: readonly string[]
  /** Registry hosts whose references count, e.g. `ghcr.io`. */
  readonly hosts: readonly string[]
  /** Larger files are skipped (and listed): pins live in small text files. Default 1 MiB. */
  readonly maxFileBytes?: number
  /** At most this many matching files are read. Default 20,000. */
  readonly maxFiles?: number
  /** At most this many directory entries are visited. Default 500,000. */
  readonly maxEntries?: number
}

export interface PinScan {
  readonly root: string
  /** Files that matched a glob and were read. */
  readonly filesScanned: number
  /** Matching files that were too large to read (relative paths). */
  readonly tooLarge: readonly string[]
  /** A limit stopped the walk before every file was seen. */
  readonly truncated: boolean
  readonly references: readonly PinnedReference[]
}

export const MAX_PIN_FILE_BYTES = 1024 * 1024

/**
 * Reads the files under `root` that match `globs` and collects the digest-pinned references they contain. Symlinks
 * are not followed (the scan stays inside the checkout); dependency and VCS directories are skipped. A missing
 * root is an empty scan, not an error: the caller decides whether that deserves a warning.
 */
export async function scanPins(options: PinScanOptions): Promise<PinScan> {
  const maxFileBytes = options.maxFileBytes ?? MAX_PIN_FILE_BYTES
  const maxFiles = options.maxFiles ?? 20_000
  const maxEntries = options.maxEntries ?? 500_000
  const matchers = options.globs.map(g => compileGlob(g, { paths: true }))
  const references: PinnedReference[] = []
  const tooLarge: string[] = []
  let filesScanned = 0
  let entries = 0
  let truncated = false

  const stack: string[] = ['']
  walk: while (stack.length > 0) {
    const dir = stack.pop() as string
    let names
    try {
      names = await readdir(path.join(options.root, dir), { withFileTypes: true })
    } catch {
      continue
    }
    names.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0))
    for (const entry of names) {
      if (++entries > maxEntries) {
        truncated = true
        break walk
      }
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) stack.push(rel)
        continue
      }
      if (!entry.isFile() || !matchers.some(m => m.matches(rel))) continue
      if (filesScanned >= maxFiles) {
        truncated = true
        break walk
      }
      const full = path.join(options.root, rel)
      try {
        if ((await stat(full)).size > maxFileBytes) {
          tooLarge.push(rel)
          continue
        }
        const text = await readFile(full, 'utf8')
        filesScanned++
        references.push(...findReferences(text, rel, options.hosts))
      } catch {
        // A file that vanished or cannot be read holds no pin we could honour.
      }
    }
  }
  references.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
  return { root: options.root, filesScanned, tooLarge, truncated, references }
}
