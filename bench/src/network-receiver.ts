// The receiving half of the ceiling measurement in network.ts: a separate process that
// listens on HOST, accepts one connection, writes everything it receives to FILE and
// reports when the file is closed. Usage: node network-receiver.js HOST FILE [fsync]
// stdout: {"port":N} once listening, then {"bytes":N} once FILE is closed.
import { createWriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { createServer } from 'node:net'
import { pipeline } from 'node:stream/promises'

const [host, file, mode] = process.argv.slice(2)
if (host === undefined || file === undefined) {
  console.error('usage: network-receiver HOST FILE [fsync]')
  process.exit(2)
}

const server = createServer({ noDelay: true }, socket => {
  server.close() // one transfer per process
  void (async () => {
    let bytes = 0
    socket.on('data', (data: Buffer) => { bytes += data.byteLength })
    // the plain way: a write stream (writev of whatever queued up), backpressure by pipeline,
    // which resolves once the file is closed
    await pipeline(socket, createWriteStream(file, { highWaterMark: 1024 * 1024 }))
    if (mode === 'fsync') {
      const handle = await open(file, 'r') // fdatasync through any descriptor flushes the file
      try { await handle.datasync() } finally { await handle.close() }
    }
    console.log(JSON.stringify({ bytes }))
  })().catch(err => {
    console.error(err)
    process.exitCode = 1
  })
})
server.listen(0, host, () => {
  const address = server.address()
  console.log(JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0 }))
})
