// A counting semaphore with a bounded wait: at most `size` holders; a waiter that is not let in
// within its wait rejects (the caller answers 503) instead of queueing forever.

export class Semaphore {
  private held = 0
  private readonly waiters: Array<{ grant: () => void }> = []

  constructor (readonly size: number) {}

  get inUse (): number { return this.held }
  get waiting (): number { return this.waiters.length }

  /** Resolves with a release function (idempotent) once a slot is free; rejects after `waitMs`. */
  async acquire (waitMs: number): Promise<() => void> {
    if (this.held < this.size) { this.held++; return this.releaser() }
    return await new Promise((resolve, reject) => {
      const waiter = {
        grant: () => { clearTimeout(timer); resolve(this.releaser()) }
      }
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter)
        if (i !== -1) this.waiters.splice(i, 1)
        reject(new Error('semaphore wait timed out'))
      }, waitMs)
      this.waiters.push(waiter)
    })
  }

  private releaser (): () => void {
    let done = false
    return () => {
      if (done) return
      done = true
      const next = this.waiters.shift()
      if (next !== undefined) next.grant() // the slot passes straight to the next waiter
      else this.held--
    }
  }
}
