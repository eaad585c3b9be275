import * as core from '@actions/core'

export async function run(): Promise<void> {
  try {
    core.info('ghcr-retention: skeleton')
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}
