import AsyncLock from 'async-lock'

/**
 * Runs tasks for the same key one at a time (puts, deletes and quarantines of one CID),
 * while tasks for different keys run freely.
 */
export class KeyedLock {
  // no cap on waiting tasks: a burst of puts of one chunk must queue, not fail
  private readonly lock = new AsyncLock({ maxPending: Infinity })

  async run<T> (key: string, task: () => Promise<T>): Promise<T> {
    return await this.lock.acquire(key, task)
  }
}
