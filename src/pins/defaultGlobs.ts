/**
 * Where a repository usually pins image digests, relative to the checkout (minimatch syntax, `dot: true`):
 * workflows and actions (`container:`, `services:`, `docker://`), Compose files, Kubernetes manifests, Helm values,
 * Kustomize, Terraform, Dockerfiles / Containerfiles. `protect-pinned: true` (the default) means these.
 */
export const DEFAULT_PIN_GLOBS: readonly string[] = [
  '.github/workflows/*.y?(a)ml',
  '.github/actions/**/action.y?(a)ml',
  'action.y?(a)ml',
  '**/*compose*.y?(a)ml',
  '**/k8s/**/*.y?(a)ml',
  '**/kubernetes/**/*.y?(a)ml',
  '**/manifests/**/*.y?(a)ml',
  '**/deploy?(ment)/**/*.y?(a)ml',
  '**/charts/**/values*.y?(a)ml',
  '**/helm/**/values*.y?(a)ml',
  '**/kustomization.y?(a)ml',
  '**/*.tf',
  '**/*.tfvars',
  '**/Dockerfile*',
  '**/*.Dockerfile',
  '**/*.dockerfile',
  '**/Containerfile*'
]

/** Directories never entered: dependencies, VCS data and tool caches hold other people's pins, not yours. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.terraform',
  '.terragrunt-cache'
])
