/**
 * Errors libp2p is known to leave in a promise nobody awaits when a peer breaks a
 * connection: the muxer's protocol violations (a yamux ReceiveWindowExceededError from a
 * peer that ignores flow control, a bad frame), and a stream or connection reset or
 * closed under a write in progress. By then the connection is closed, and whatever we
 * were doing over it fails on its own path (a vault's handler, a download's request,
 * which goes to another holder). Matched by name: libp2p's errors carry no codes.
 */
export const STRAY_ERROR_NAMES: ReadonlySet<string> = new Set([
  // @libp2p/yamux: its PROTOCOL_ERRORS
  'InvalidFrameError', 'UnRequestedPingError', 'NotMatchingPingError', 'StreamAlreadyExistsError',
  'DecodeInvalidVersionError', 'BothClientsError', 'ReceiveWindowExceededError',
  // @libp2p/interface: a stream or connection that went away mid-operation, overran its
  // buffer, failed its handshake (a peer with another key), or timed out or was aborted
  'StreamResetError', 'StreamAbortedError', 'StreamStateError', 'StreamBufferError', 'MuxerClosedError',
  'ConnectionClosedError', 'ConnectionClosingError', 'ConnectionFailedError',
  'UnexpectedPeerError', 'InvalidCryptoExchangeError', 'TimeoutError', 'AbortError',
  // @libp2p/utils: a stream that ended inside a message
  'UnexpectedEOFError'
])

/** Whether `reason` is one of the stray libp2p failures above. */
export function isStrayRejection (reason: unknown): boolean {
  return reason instanceof Error && STRAY_ERROR_NAMES.has(reason.name)
}

/**
 * Keeps the process alive through a stray libp2p rejection (reported in one line), which
 * by default would kill it. Any other unhandled rejection is a bug of ours: it is thrown
 * again, so the process dies as it would without this guard, with its stack. Returns the
 * undo.
 */
export function surviveStrayRejections (report: (message: string) => void): () => void {
  const onUnhandled = (reason: unknown): void => {
    if (!isStrayRejection(reason)) throw reason
    report(`ignored a failure nobody handled: ${(reason as Error).name}: ${(reason as Error).message}`)
  }
  process.on('unhandledRejection', onUnhandled)
  return () => { process.off('unhandledRejection', onUnhandled) }
}
