#!/usr/bin/env node
// `node bin/ghcr-retention.js …` from a checkout: the bundled CLI (same code as the action; see src/cli.ts and
// docs/cli.md). The package is not published, so never `npx ghcr-retention`.
import '../dist/cli/index.js'
