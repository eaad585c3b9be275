// ncc emits ES module bundles; Node must be told so next to them (actions/checkout commits the same file).
import { writeFileSync } from 'node:fs'
for (const dir of ['../dist/', '../dist/cli/', '../dist/post/']) {
  writeFileSync(
    new URL(dir + 'package.json', import.meta.url),
    JSON.stringify({ type: 'module' }, null, 2) + '\n'
  )
}
