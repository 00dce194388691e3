// prom-client collects every metric of a scrape at once (registry.metrics() awaits them
// together), so gauges that share a source can share one read of it per scrape.

/** `read`, called once for all callers that ask while a call is in flight. */
export function onePerScrape<T> (read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null
  return async () => {
    pending ??= read().finally(() => { pending = null })
    return await pending
  }
}
