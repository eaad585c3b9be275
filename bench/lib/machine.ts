/** What a benchmark ran on, for the line above its tables (figures mean little without it). */
import os from 'node:os'

export interface Machine {
  readonly cpus: number
  readonly cpuModel: string
  readonly memoryGiB: number
  readonly node: string
  readonly platform: string
  readonly date: string
  /** 1-minute load average when the benchmark started: the box may be shared. */
  readonly loadAtStart: number
}

export function describeMachine(): Machine {
  const cpus = os.cpus()
  return {
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    loadAtStart: os.loadavg()[0]
  }
}

export function machineLine(m: Machine, loadAtEnd = os.loadavg()[0]): string {
  return (
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}; ${m.date}; ` +
    `load average ${m.loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end.`
  )
}
