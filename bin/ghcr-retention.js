#!/usr/bin/env node
// `npx ghcr-retention …`: the bundled CLI (same code as the action; see src/cli.ts).
import '../dist/cli/index.js'
