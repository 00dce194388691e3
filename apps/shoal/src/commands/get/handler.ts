import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { getFile, getStream } from '@shoal/client'
import { parseCapability } from '@shoal/manifest'
import { withChunks, type CommonOptions } from '../../context.js'
import { UsageError } from '../../errors.js'
import { createProgress } from '../../progress.js'
import { formatBytes } from '../../size.js'
import { findDaemon } from '../../daemon-client.js'
import { getViaDaemon } from './daemon.js'
import { quietOnClosedPipe } from '../../pipe.js'

interface GetFlags extends CommonOptions { output: string }

export async function getHandler (uri: string, flags: GetFlags): Promise<void> {
  const capability = parseCapability(uri) // a malformed URI fails before any I/O
  const daemon = await findDaemon(flags) // a running `shoal node` of the data dir does the work
  if (daemon !== null) { await getViaDaemon(daemon, uri, flags); return }
  const started = performance.now()
  if (flags.output === '-') {
    await withChunks(flags, async (chunks, signal) => {
      await pipeline(Readable.from(getStream(capability, chunks.source(), { signal })), process.stdout).catch(quietOnClosedPipe)
    })
    return
  }
  const target = resolve(flags.output)
  const parent = await stat(dirname(target)).catch(() => null)
  if (parent == null || !parent.isDirectory()) throw new UsageError(`-o: ${dirname(target)} is not a directory`)
  const result = await withChunks(flags, async (chunks, signal) => {
    const progress = createProgress('get', { quiet: flags.quiet === true || flags.json === true })
    try {
      return await getFile(capability, chunks.source(), target, { signal, onProgress: p => progress.update(p) })
    } finally {
      progress.stop()
    }
  })
  const seconds = (performance.now() - started) / 1000
  if (flags.json === true) {
    console.log(JSON.stringify({
      path: target,
      type: result.type,
      size: result.size,
      files: result.files,
      seconds,
      fetchedBytes: result.fetchedBytes,
      resumedBytes: result.resumedBytes,
      duplicates: result.duplicates,
      blamed: result.blamed
    }))
    return
  }
  const resumed = result.resumedBytes > 0 ? `, ${formatBytes(result.resumedBytes)} resumed from an earlier run` : ''
  console.error(`wrote ${formatBytes(result.size)} (${result.files} file${result.files === 1 ? '' : 's'}) to ${target} in ${seconds.toFixed(2)} s${resumed}`)
  for (const blame of result.blamed) console.error(`skipped holder ${blame.holder}: ${blame.reason}`)
}
