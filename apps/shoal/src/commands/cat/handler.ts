import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseCapability } from '@shoal/manifest'
import { withBackend } from '../../backend/choose.js'
import type { CommonOptions } from '../../context.js'
import type { CommandIo } from '../../io.js'
import { quietOnClosedPipe } from '../../pipe.js'

/** `shoal cat URI` and `shoal get URI -o -`: a file's bytes to stdout; a directory is ERR_WRONG_TYPE. */
export async function catHandler (uri: string, flags: CommonOptions, io: CommandIo): Promise<void> {
  parseCapability(uri) // a malformed URI fails before any I/O
  await withBackend(flags, io, {}, async (backend, signal) => {
    // not ended: stdout outlives the command (and process.stdout cannot be ended)
    await pipeline(Readable.from(backend.read(uri, { signal })), io.stdout, { end: false }).catch(quietOnClosedPipe)
  })
}
