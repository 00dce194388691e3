// The TCP side of a hole punch (hole-punch.ts): a connect from a chosen local port (both
// peers do it at once: TCP simultaneous open, which Linux supports and Node's
// net.connect({ localPort }) allows), and the socket it gives wrapped as a libp2p
// MultiaddrConnection for the upgrader, the way @libp2p/tcp's socket-to-conn.ts does
// (that file is not exported, so this is our own, smaller copy).
import { connect, createServer, type Socket } from 'node:net'
import { TimeoutError, type AbortOptions, type Logger } from '@libp2p/interface'
import { AbstractMultiaddrConnection } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A local TCP port nothing uses now: bound and let go, so the connect can bind it. */
export async function freeLocalPort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, () => {
      const address = server.address()
      server.close(() => { typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')) })
    })
  })
}

/** Connects from `localPort` to host:port; rejects when the kernel gives up or `signal` aborts. */
export async function connectFrom (localPort: number, host: string, port: number, signal: AbortSignal): Promise<Socket> {
  signal.throwIfAborted()
  return await new Promise((resolve, reject) => {
    const socket = connect({ host, port, localPort, noDelay: true, keepAlive: true })
    const onAbort = (): void => { socket.destroy(); reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort)
      // PunchedConnection listens from here on; until it does, an error must not throw
      socket.removeAllListeners('error')
      socket.on('error', () => { socket.destroy() })
      resolve(socket)
    })
    socket.once('error', err => {
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(err)
    })
  })
}

export interface PunchedConnectionInit {
  socket: Socket
  remoteAddr: Multiaddr
  direction: 'inbound' | 'outbound'
  log: Logger
  /** a connection idle this long is ended (default 2 minutes, as @libp2p/tcp's) */
  inactivityTimeout?: number
}

/** A punched TCP socket as libp2p's upgrader takes it. */
export class PunchedConnection extends AbstractMultiaddrConnection {
  private readonly socket: Socket

  constructor (init: PunchedConnectionInit) {
    super({ remoteAddr: init.remoteAddr, direction: init.direction, log: init.log, inactivityTimeout: init.inactivityTimeout })
    const socket = this.socket = init.socket
    socket.on('data', buf => { this.onData(buf) })
    socket.on('error', err => { this.abort(err) })
    socket.setTimeout(init.inactivityTimeout ?? 2 * 60_000)
    socket.once('timeout', () => { this.abort(new TimeoutError()) })
    // the peer's FIN: Node answers with ours (no half-open sockets) and 'close' follows
    socket.once('end', () => { this.onTransportClosed() })
    socket.once('close', hadError => {
      if (hadError) this.abort(new Error('TCP transmission error'))
      else this.onTransportClosed()
    })
    socket.on('drain', () => { this.safeDispatchEvent('drain') })
  }

  sendData (data: Parameters<AbstractMultiaddrConnection['sendData']>[0]): { sentBytes: number, canSendMore: boolean } {
    let sentBytes = 0
    let canSendMore = true
    for (const buf of data) {
      sentBytes += buf.byteLength
      canSendMore = this.socket.write(buf)
      if (!canSendMore) break
    }
    return { sentBytes, canSendMore }
  }

  async sendClose (options?: AbortOptions): Promise<void> {
    if (this.socket.destroyed) return
    const closed = new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { reject(options?.signal?.reason) }
      options?.signal?.addEventListener('abort', onAbort, { once: true })
      this.socket.once('close', () => { options?.signal?.removeEventListener('abort', onAbort); resolve() })
    })
    this.socket.destroySoon()
    await closed
  }

  sendReset (): void {
    // resetAndDestroy cannot follow the graceful end() path (libuv): destroy then
    if (this.socket.writableEnded) this.socket.destroy()
    else this.socket.resetAndDestroy()
  }

  sendPause (): void { this.socket.pause() }
  sendResume (): void { this.socket.resume() }
}
