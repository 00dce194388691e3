import { run } from './cli.js'

const code = await run(process.argv.slice(2))
// A finished command exits now rather than when the event loop runs dry: libp2p's address
// manager leaves a 1 s debounce timer armed after stop(), which kept every network command
// alive a second after its work was done (2.0 s for a 1 KiB get, 1.0 s of it waiting).
await flushed(process.stdout)
await flushed(process.stderr)
process.exit(code)

/** Resolves once what was written to `stream` has gone (at once where writes are synchronous, as on Linux). */
async function flushed (stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return
  await new Promise<void>(resolve => {
    stream.once('drain', resolve)
    stream.once('close', resolve)
    stream.once('error', resolve)
  })
}
