// Starting and stopping a benchmarked server process: spawn, wait until discovery answers,
// read the service's own "ready" log line (it carries catalogLoadMs), RSS from /proc.

import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** Spawns `node ...args` and resolves once GET /cds-services answers on the port. */
export async function start (
  args: string[],
  env: Record<string, string>,
  port: number
): Promise<{ child: ChildProcess, ms: number, ready: Promise<Record<string, unknown>> }> {
  const t0 = performance.now()
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  // The service's "ready" log line carries its own catalog load time.
  const ready = new Promise<Record<string, unknown>>((resolve) => {
    let buffered = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      for (const line of buffered.split('\n')) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>
          if (entry.msg === 'facet-pt-cds ready') {
            // From here on the log is only drained, not read: the load generator shares the CPU.
            child.stdout?.removeAllListeners('data')
            child.stdout?.resume()
            resolve(entry)
            return
          }
        } catch {}
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1)
    })
  })
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/cds-services`)
      if (res.ok) return { child, ms: performance.now() - t0, ready }
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  child.kill()
  throw new Error(`server on ${port} did not start`)
}

/** Resident set size of a process in MB (Linux /proc). */
export function rssMb (pid: number | undefined): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
}

/** SIGTERM (the service drains and closes), or another signal, and wait for the exit. */
export async function stop (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await exited
}
