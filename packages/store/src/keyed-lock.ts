/**
 * Runs tasks for the same key one at a time (puts, deletes and quarantines of one CID),
 * while tasks for different keys run freely. Only keys with work in flight are kept.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T> (key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key)
    let release!: () => void
    const tail = new Promise<void>(resolve => { release = resolve })
    this.tails.set(key, tail)
    try {
      if (previous != null) await previous
      return await task()
    } finally {
      release()
      if (this.tails.get(key) === tail) this.tails.delete(key)
    }
  }
}
