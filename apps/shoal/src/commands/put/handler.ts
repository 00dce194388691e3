import { stat } from 'node:fs/promises'
import { put } from '@shoal/client'
import { convergenceSecret, withChunks, type CommonOptions } from '../../context.js'
import { checkReplicas } from '../../network.js'
import { UsageError } from '../../errors.js'
import { createProgress } from '../../progress.js'
import { formatBytes } from '../../size.js'
import { findDaemon } from '../../daemon-client.js'
import { putViaDaemon } from './daemon.js'

interface PutFlags extends CommonOptions { compress: boolean, replicas?: string }

export async function putHandler (path: string, flags: PutFlags): Promise<void> {
  const asked = flags.replicas === undefined ? undefined : checkReplicas(flags.replicas)
  const replicas = asked ?? 3
  const info = await stat(path).catch(() => { throw new UsageError(`${path}: no such file or directory`) })
  const daemon = await findDaemon(flags) // a running `shoal node` of the data dir does the work
  if (daemon !== null) { await putViaDaemon(daemon, path, { ...flags, replicas: asked }); return }
  const secret = await convergenceSecret(flags)
  const started = performance.now()
  const result = await withChunks(flags, async (chunks, signal) => {
    const progress = createProgress('put', { quiet: flags.quiet === true || flags.json === true })
    try {
      return await put(path, chunks.sink(replicas), {
        convergenceSecret: secret,
        compress: flags.compress,
        replicas,
        size: info.isFile() ? info.size : undefined,
        onProgress: p => progress.update(p),
        signal
      })
    } finally {
      progress.stop()
    }
  }, { peers: replicas })
  const seconds = (performance.now() - started) / 1000
  if (flags.json === true) {
    console.log(JSON.stringify({ uri: result.uri, size: result.size, chunks: result.chunks, newChunks: result.newChunks, storedBytes: result.storedBytes, seconds }))
    return
  }
  console.error(`stored ${formatBytes(result.size)} in ${result.chunks} chunks (${result.newChunks} new, ${formatBytes(result.storedBytes)} written) in ${seconds.toFixed(2)} s`)
  console.log(result.uri)
}
