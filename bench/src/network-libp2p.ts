// The transport floor in network.ts: the same file as the node:net ceiling, sent over one
// bare libp2p stream with exactly the stack Shoal uses (TCP + Noise + Yamux with Shoal's
// stream options, loopback allowed, the Node 20 polyfill first) and nothing of Shoal's:
// no chunk protocol, no store, no crypto beyond Noise. Shoal's get moves its bytes over
// such streams, so it cannot beat this. Two processes, one per side:
//
//   node network-libp2p.js receive HOST FILE        writes what one stream brings to FILE
//   node network-libp2p.js send HOST ADDRESS FILE   sends FILE in 1 MiB pieces to ADDRESS
//
// receive prints {"address":"/ip4/…/p2p/…"} once listening, then {"bytes":N,"cpuMs":X}
// once FILE is closed (CPU from the stream's arrival until then), and acknowledges the
// stream with one byte. send prints {"bytes":N,"seconds":S,"cpuMs":X}: from opening the
// stream (the connection is already up) until that byte arrived, the CPU over the same time.
// @libp2p/tcp 11 cannot bind a dial to a local address: the sender listens on HOST, as a
// Shoal node would, and its socket leaves from whichever loopback address the kernel picks.
import { createReadStream, createWriteStream } from 'node:fs'
import type { Stream } from '@libp2p/interface'
import { MAX_FRAME_BYTES } from '@shoal/protocol'

const PROTOCOL = '/shoal-bench/raw/1.0.0'
const MiB = 1024 * 1024

// first of all: libp2p v3 calls Promise.withResolvers, which Node 20 lacks; Shoal's own polyfill
const nodeDist = new URL('../../../packages/node/dist/src/', import.meta.url)
await import(new URL('polyfill.js', nodeDist).href)
const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@libp2p/noise')
const { yamux } = await import('@libp2p/yamux')
const { multiaddr } = await import('@multiformats/multiaddr')
// Shoal's writer: waits until the stream's write buffer has emptied into the muxer (send()
// returning false and then onDrain() would overflow the buffer and reset the stream)
const { sendBytes } = await import(new URL('stream-io.js', nodeDist).href) as { sendBytes: (stream: Stream, bytes: Uint8Array[]) => Promise<void> }

const [role, host, ...rest] = process.argv.slice(2)
if ((role !== 'receive' && role !== 'send') || host === undefined || rest.length !== (role === 'send' ? 2 : 1)) {
  console.error('usage: network-libp2p receive HOST FILE | send HOST ADDRESS FILE')
  process.exit(2)
}

// as packages/node/src/index.ts configures it
const node = await createLibp2p({
  addresses: { listen: [`/ip4/${host}/tcp/0`] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux({
    streamOptions: {
      maxStreamWindowSize: 4 * MiB,
      maxReadBufferLength: 2 * MAX_FRAME_BYTES,
      maxWriteBufferLength: 4 * MAX_FRAME_BYTES
    }
  })],
  connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] }
})
const cpuMs = (since: NodeJS.CpuUsage): number => { const used = process.cpuUsage(since); return (used.user + used.system) / 1000 }
process.once('SIGTERM', () => { void Promise.resolve(node.stop()).finally(() => process.exit(0)) })

if (role === 'receive') {
  const file = rest[0]
  await node.handle(PROTOCOL, stream => {
    const cpu = process.cpuUsage()
    let bytes = 0
    const out = createWriteStream(file, { highWaterMark: MiB })
    // backpressure: a paused stream grants yamux no more window. Paused a tick later, not
    // in the 'message' handler: resume() delivers the buffered data to that handler and only
    // then tells yamux to grant window again, which would undo a pause made inside it (the
    // sender then fills the read buffer past maxReadBufferLength and the stream is reset)
    let pausing = false
    const pause = (): void => {
      pausing = false
      if (!out.writableNeedDrain || stream.readStatus !== 'readable') return
      stream.pause()
      out.once('drain', () => { if (stream.readStatus === 'paused') stream.resume() })
    }
    stream.addEventListener('message', evt => {
      for (const piece of evt.data instanceof Uint8Array ? [evt.data] : evt.data) {
        bytes += piece.byteLength
        if (!out.write(piece) && !pausing) { pausing = true; queueMicrotask(pause) }
      }
    })
    const finished = new Promise<void>((resolve, reject) => {
      // 'end': the read buffer has drained after the sender's FIN ('remoteCloseWrite' can come
      // first); it also comes after a reset, so the stream's status tells which
      stream.addEventListener('end', () => stream.status === 'reset' || stream.status === 'aborted' ? reject(new Error(`the stream was ${stream.status}`)) : resolve())
      stream.addEventListener('close', evt => reject(evt.error ?? new Error('the stream closed before its end')))
    })
    void (async () => {
      await finished
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => err != null ? reject(err) : resolve()))
      console.log(JSON.stringify({ bytes, cpuMs: cpuMs(cpu) }))
      await sendBytes(stream, [new Uint8Array([1])])
      await stream.close()
    })().catch(err => {
      console.error(err)
      out.destroy()
      stream.abort(err instanceof Error ? err : new Error(String(err)))
      process.exitCode = 1
    })
  })
  console.log(JSON.stringify({ address: node.getMultiaddrs()[0].toString() }))
} else {
  const [address, file] = rest
  try {
    const target = multiaddr(address)
    await node.dial(target) // the connection (TCP, Noise, Yamux) is not part of the time
    const cpu = process.cpuUsage()
    const started = performance.now()
    const stream = await node.dialProtocol(target, PROTOCOL)
    const acknowledged = new Promise<void>((resolve, reject) => {
      stream.addEventListener('message', () => resolve())
      stream.addEventListener('end', () => reject(new Error('the receiver closed the stream without acknowledging it')))
      stream.addEventListener('close', evt => reject(evt.error ?? new Error('the stream closed without an acknowledgement')))
    })
    acknowledged.catch(() => {}) // awaited below; a failed send is the error to report first
    let bytes = 0
    for await (const piece of createReadStream(file, { highWaterMark: MiB }) as AsyncIterable<Buffer>) {
      bytes += piece.byteLength
      if (!stream.send(piece) || stream.writeBufferLength > 4 * MiB) await sendBytes(stream, [])
    }
    await stream.close()
    await acknowledged
    const seconds = (performance.now() - started) / 1000
    console.log(JSON.stringify({ bytes, seconds, cpuMs: cpuMs(cpu) }))
  } finally {
    await node.stop()
  }
}
