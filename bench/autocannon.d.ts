// The part of autocannon 9 the benchmarks use (the package ships no types and @types/autocannon
// is not a dependency): one run's options and its result.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string
    }
    interface Options {
      url: string
      method?: string
      headers?: Record<string, string>
      body?: string
      connections?: number
      duration?: number
      overallRate?: number
      requests?: Request[]
    }
    interface Histogram {
      average: number
      total: number
      p50: number
      p99: number
      max: number
    }
    interface Result {
      requests: Histogram
      latency: Histogram
      throughput: Histogram
      errors: number
      timeouts: number
      non2xx: number
      '2xx': number
    }
    /** The running instance: a promise of the result that also reports each response. */
    interface Instance extends Promise<Result> {
      on: (event: 'response', listener: (client: unknown, status: number, bytes: number, responseTime: number) => void) => void
    }
  }
  function autocannon (options: autocannon.Options): autocannon.Instance
  export default autocannon
}
