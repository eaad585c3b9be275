/* istanbul ignore next */
// The post step's entry (action.yml `runs.post`, bundled to dist/post/index.js).
import { runPost } from './run/postUpload.js'

await runPost()
