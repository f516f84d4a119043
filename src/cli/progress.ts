// A one-line progress bar on stderr, drawn only when stderr is a terminal (silent in pipes/CI).

export interface Progress { tick: (label: string) => void, done: () => void }

export function progressBar (total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY !== true || total === 0) return { tick: () => {}, done: () => {} }
  let n = 0
  const width = 30
  return {
    tick: (label) => {
      n++
      const filled = Math.round((n / total) * width)
      const cols = stream.columns ?? 80
      const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total} ${label}`
      stream.write(`\r${text.slice(0, cols - 1).padEnd(cols - 1)}`)
    },
    done: () => { stream.write(`\r${' '.repeat((stream.columns ?? 80) - 1)}\r`) }
  }
}
