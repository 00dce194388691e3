// libp2p v3 calls Promise.withResolvers, which Node 20 lacks (it arrived in Node 22).
// Installed at module load, before any libp2p code runs; a runtime that has it keeps its own.
interface Resolvers<T> {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const PromiseWithResolvers = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> }

if (PromiseWithResolvers.withResolvers == null) {
  PromiseWithResolvers.withResolvers = function withResolvers<T> (): Resolvers<T> {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((_resolve, _reject) => { resolve = _resolve; reject = _reject })
    return { promise, resolve, reject }
  }
}

export {}
