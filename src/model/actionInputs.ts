// Generated from action.yml by script/action-inputs.mjs: do not edit; run `node script/action-inputs.mjs`.
// __tests__/ship/actionInputs.test.ts fails when this file and action.yml differ.

/** Every input action.yml declares, in its order, with its description on one line. */
export const ACTION_INPUTS = [
  {
    name: 'token',
    description:
      'Token for the GitHub API and the registry. GITHUB_TOKEN works when the repository has admin access to the package (packages: write); otherwise a classic PAT with read:packages and delete:packages.'
  },
  { name: 'owner', description: 'Organisation or user that owns the packages.' },
  {
    name: 'packages',
    description:
      'Package names or globs, comma- or newline-separated (`*` within a path segment, `**` across `/`). Empty means the repository name.'
  },
  { name: 'dry-run', description: 'Plan and report only; delete nothing.' },
  {
    name: 'mode',
    description:
      '`prune` (plan and delete), `validate` (check every tag still pulls in full; deletes nothing), `restore` (undo deletions from a journal or a time window) or `list` (only set the `packages` output, e.g. for a matrix of one job per package).'
  },
  {
    name: 'keep-tags',
    description:
      'Tags to keep always: globs or `/regex/flags` in RE2 syntax, matched in linear time (a regex must match the whole tag; flags i, m, s), comma- or newline-separated. Keep wins over delete.'
  },
  {
    name: 'delete-tags',
    description:
      'Tags (globs or `/regex/flags`) whose images may be deleted. Set, it makes a tagged image a candidate when every one of its tags matches and none is kept by `keep-tags` or `keep-semver` (with `untag`, an image with some matching tags loses just those). Unset, `keep-n-tagged` or `older-than` alone make every tagged image a candidate. Candidates go when every limit set agrees (`keep-n-tagged`, `older-than`); with neither, every candidate goes at once.'
  },
  {
    name: 'keep-n-tagged',
    description:
      'Keep the N newest candidates (by `age-by`; per group with `group-by`); the rest go, once older than `older-than` if that is set. Set without `delete-tags` it selects every tagged image: all but the N newest are deleted, except what `keep-tags` or `keep-semver` keeps. Images kept by those rules, signatures, attestations and build caches take no slot.'
  },
  {
    name: 'older-than',
    description:
      'Delete a candidate only when it is older than this (by `age-by`; `30d`, `2w 3d`, `12h`, ISO-8601 `P30D`). Set without `delete-tags` it selects every tagged image: each one older than this is deleted, except what `keep-tags`, `keep-semver` or `keep-n-tagged` keeps. Untagged orphans use `untagged-grace` instead.'
  },
  {
    name: 'group-by',
    description:
      'A regular expression whose first capture group names a group of tags (`^pr-(\\d+)-`, `^(.+)-[0-9a-f]{7}$`); `keep-n-tagged` then keeps the N newest candidates of each group. Candidates it does not match form one group together. Needs `keep-n-tagged`.'
  },
  {
    name: 'keep-semver',
    description:
      'Keep releases by semantic version (tags `1.2.3` or `v1.2.3`, no coercion): `majors[=N]` keeps the newest release of each of the N newest majors (all when no N), `minors=N` the newest `patches` (default 1) releases of each of the N newest minor lines, e.g. `majors, minors=3, patches=1`. A keep rule, like `keep-tags`.'
  },
  {
    name: 'keep-semver-prereleases',
    description:
      'Let `keep-semver` count prereleases (`2.0.0-rc.1`) as versions; otherwise they are ignored by it.'
  },
  {
    name: 'age-by',
    description:
      '`updated` (the time GitHub last changed the version; moves when a tag is pushed) or `created`.'
  },
  {
    name: 'delete-untagged',
    description:
      'Delete untagged orphans (untagged versions that belong to no image, signature or attestation) past `untagged-grace`.'
  },
  {
    name: 'untagged-grace',
    description:
      'Untagged orphans younger than this are kept (a push in progress or a digest someone just pinned).'
  },
  { name: 'keep-n-untagged', description: 'Keep the N newest untagged orphans.' },
  {
    name: 'delete-dangling',
    description:
      'Delete signatures, attestations, SBOMs and referrers whose subject is no longer in the package (past `untagged-grace`). Off by default: they are kept and reported.'
  },
  {
    name: 'keep-digests',
    description:
      'Digests (`sha256:<hex>`) to keep with everything they reference, comma- or newline-separated.'
  },
  {
    name: 'delete-ghost-indexes',
    description:
      'Delete tagged indexes whose children are all missing (they cannot be pulled). Never one kept by `keep-tags` or `keep-digests`.'
  },
  {
    name: 'delete-partial-indexes',
    description:
      'Delete tagged indexes with some children missing. Never one kept by `keep-tags` or `keep-digests`.'
  },
  {
    name: 'max-deletions',
    description:
      'Safety cap per package: a count (`500`) or a share of its versions (`20%`). If the plan exceeds it, nothing of that package is deleted and a real run fails (a dry run warns).'
  },
  {
    name: 'untag',
    description:
      'When a version carries both kept and deletable tags, remove only the deletable tags (pushes a placeholder manifest; needs packages: write).'
  },
  {
    name: 'pr-tag',
    description:
      "Tag template(s) of pull request images with `{number}`, e.g. `pr-{number}` or `pr-{number}-*` (`{number}` is a whole number: `pr-50` is #50, never #5). Setting it selects those tags for deletion by itself: on a `pull_request` `closed` event only that pull request's images are deleted; on any other event, images of pull requests closed longer than `pr-grace` ago. Open pull requests (and unknown states) keep theirs."
  },
  {
    name: 'pr-grace',
    description:
      'How long a closed pull request keeps its images before a sweep deletes them (`0`, `12h`, `3d`), counted from its `closed_at`.'
  },
  {
    name: 'branch-tag',
    description:
      'Tag template(s) of branch images with `{branch}`, e.g. `branch-{branch}` or `{branch}-*`. The branch name is compared as docker/metadata-action writes it (each run of characters outside `a-z A-Z 0-9 . _ -` becomes `-`, so `feature/login` is `feature-login`). Tags of branches that no longer exist in `repository` are deleted.'
  },
  {
    name: 'repository',
    description:
      'The `owner/name` repository whose pull requests and branches `pr-tag` and `branch-tag` look up. Default: the repository running the workflow.'
  },
  {
    name: 'keep-daily',
    description:
      "Keep the newest tagged image of each of the last N UTC days that have images (restic's `--keep-daily`). Added to the other keep rules; set alone, it also selects the rest for deletion."
  },
  {
    name: 'keep-weekly',
    description: 'Like `keep-daily`, for the last N ISO weeks (Monday to Sunday, UTC) that have images.'
  },
  {
    name: 'keep-monthly',
    description: 'Like `keep-daily`, for the last N calendar months (UTC) that have images.'
  },
  {
    name: 'keep-yearly',
    description: 'Like `keep-daily`, for the last N calendar years (UTC) that have images.'
  },
  {
    name: 'build-cache-tags',
    description:
      'Tags that mark BuildKit registry cache images (images with a BuildKit cache config are recognised by their manifest anyway). `none` = by manifest only. Default: `buildcache, buildcache-*, cache, cache-*, *-cache`.'
  },
  {
    name: 'keep-n-build-cache',
    description:
      'Keep the N newest build-cache images and delete the rest. Unset: every build cache is kept. Build caches never count towards `keep-n-tagged`.'
  },
  {
    name: 'fail-on-noop',
    description:
      'Fail the run when a rule matches nothing (a tag pattern matching no tag, a `pr-tag` finding no pull request tag). Otherwise it is a warning.'
  },
  {
    name: 'max-concurrency',
    description:
      'Most registry requests in flight at once (1 to 64). Below it the action adapts to the registry: it starts at 16 (or at this cap if lower), sends more at once while answers are clean, and halves on a 429 or 503, waiting as long as `retry-after` asks. Empty means up to 64.'
  },
  {
    name: 'request-budget',
    description:
      'Most REST requests this run may send, list pages and retries included: a request that would cross it is not sent (deletes stop up to 4 short, 1 per 100, to leave room for retries), and the rest of the backlog is left for the next run. Empty means stop while 10 % of the primary rate limit remains.'
  },
  {
    name: 'protect-pinned',
    description:
      'Keep every digest pinned in the checkout (`ghcr.io/OWNER/PACKAGE[:tag]@sha256:…`, or Kustomize/Helm `digest:` keys) with everything it needs; a pinned platform image keeps its index. `true` scans the usual places (workflows, Compose, Kubernetes, Helm values, Kustomize, Terraform, Dockerfiles); or give globs relative to the checkout (`defaults` adds the usual places); `false` turns it off. Needs `actions/checkout` first.'
  },
  {
    name: 'protect-pinned-repositories',
    description:
      'Other repositories whose pinned digests are kept too, read through the API: `owner/repo` (default branch) or `owner/repo@ref`, comma- or newline-separated. The token needs read access to their contents.'
  },
  {
    name: 'cache',
    description:
      'Keep the manifests read in this run in the Actions cache (one entry per package, verified by digest on use), so the next run reads only new digests from the registry.'
  },
  {
    name: 'journal-file',
    description:
      'Where to write the journal: JSON Lines, appended as the run goes (every decision; each delete recorded before it is sent, its answer after; docs/journal-format.md). Created before the first request: a path that cannot be written fails the step, nothing requested. Empty: `ghcr-retention-journal-<step>-attempt<N>.jsonl` in RUNNER_TEMP (or the working directory), unique per step (GITHUB_ACTION) and run attempt.'
  },
  {
    name: 'upload-journal',
    description:
      'Upload the journal as a workflow artifact (needs the Actions runtime), named `ghcr-retention-journal-<run id>-<attempt>-<step>-<hash of owner, packages, job>`, one per step. Uploaded when the step ends; when it is killed or cancelled first, the post step uploads what it wrote.'
  },
  {
    name: 'validate-after-prune',
    description: 'After a prune, check that every remaining tag still resolves in full.'
  },
  { name: 'fail-on-broken', description: 'Fail the step when validation finds a broken tag.' },
  {
    name: 'restore-from',
    description:
      'mode: restore: the journal to restore from: a file path, the artifact name printed by a run of this workflow run, or `<run-id>/<artifact-name>` for an earlier run (needs `actions: read`).'
  },
  {
    name: 'restore-within',
    description:
      'mode: restore: restore every version deleted within this window (for example `2h`, at most 30 days).'
  },
  {
    name: 'api-url',
    description:
      'GitHub REST API URL (GitHub Enterprise Server: `https://HOST/api/v3`). https only (http:// only to a loopback host), since the token goes with every request.'
  },
  {
    name: 'registry-url',
    description:
      'Container registry URL. Empty means the one that matches `api-url`: `https://ghcr.io` on github.com, `https://containers.HOST` on GitHub Enterprise Server. A host without a path (the registry API is always at `/v2/`); https only, except a loopback host.'
  },
  { name: 'registry-username', description: 'User name sent with the token to the registry token endpoint.' }
] as const

/** The name of a declared input: the only names the settings reader may ask for. */
export type ActionInputName = (typeof ACTION_INPUTS)[number]['name']
