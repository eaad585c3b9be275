import type { SimRequest } from '../http.js'
import type { SimState } from '../state.js'
import type { SimToken } from '../tokens.js'

/** What a REST route sees: the request, the caller's token (already authenticated), the state, the time. */
export interface RestContext {
  readonly req: SimRequest
  readonly token?: SimToken
  readonly state: SimState
  /** API root as clients see it (`http://127.0.0.1:PORT`), for `url` fields and `link` headers. */
  readonly api: string
  /** Simulated epoch ms of this request. */
  readonly now: number
}
