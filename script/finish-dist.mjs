// ncc emits an ES module bundle; Node must be told so next to it (actions/checkout commits the same file).
import { writeFileSync } from 'node:fs'
writeFileSync(
  new URL('../dist/package.json', import.meta.url),
  JSON.stringify({ type: 'module' }, null, 2) + '\n'
)
