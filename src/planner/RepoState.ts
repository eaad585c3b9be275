/** What the I/O layer learned about the repository, handed to the planner as plain data. */
export interface PullRequestState {
  readonly state: 'open' | 'closed'
  readonly merged: boolean
  /** Epoch ms of closed_at, when closed. */
  readonly closedAt?: number
}

export interface RepoState {
  /** `owner/repo` the states were read from, for reasons. */
  readonly repository: string
  /** States of the pull requests named by tags; a number absent here is unknown (its tags are kept). */
  readonly pullRequests?: ReadonlyMap<number, PullRequestState>
  /** Why some pull request states are missing (budget, errors), for reasons. */
  readonly pullRequestsIncomplete?: string
  /** Names of the branches that exist (as Git names them); absent = unknown (branch tags are kept). */
  readonly branches?: ReadonlySet<string>
  /**
   * Set on a pull_request / pull_request_target `closed` event: this run deletes the images of this pull
   * request only, whatever the other rules say.
   */
  readonly closedPullRequest?: number
}
