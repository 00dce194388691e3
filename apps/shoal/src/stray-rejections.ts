/**
 * A peer that breaks the muxer's rules (a yamux ReceiveWindowExceededError, a reset
 * mid-write) can leave a libp2p-internal promise rejected with nobody awaiting it; by
 * default that kills the process. The connection is already closed by then, and whatever
 * we were doing over it fails on its own path (a vault's handler, a download's request,
 * which goes to another holder), so the process keeps going. Returns the undo.
 */
export function surviveStrayRejections (report: (message: string) => void): () => void {
  const onUnhandled = (reason: unknown): void => {
    report(`ignored a failure nobody handled: ${(reason as Error)?.message ?? String(reason)}`)
  }
  process.on('unhandledRejection', onUnhandled)
  return () => { process.off('unhandledRejection', onUnhandled) }
}
