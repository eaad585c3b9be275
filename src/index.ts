/* istanbul ignore next */
import { run } from './main.js'

await run()
