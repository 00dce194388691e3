import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { withBackend } from '../../backend/choose.js'
import { checkConvergence, type CommonOptions } from '../../context.js'
import { UsageError } from '../../errors.js'
import { println, type CommandIo } from '../../io.js'
import { checkReplicas } from '../../network.js'
import { createProgress } from '../../progress.js'
import { formatBytes } from '../../size.js'
import { putTree } from '../../transfer/put-tree.js'

export interface PutFlags extends CommonOptions { compress: boolean, replicas?: string }

export async function putHandler (path: string, flags: PutFlags, io: CommandIo): Promise<void> {
  const replicas = flags.replicas === undefined ? undefined : checkReplicas(flags.replicas)
  const convergence = checkConvergence(flags.convergence)
  const source = resolve(io.cwd, path)
  await stat(source).catch(() => { throw new UsageError(`${path}: no such file or directory`) })
  const started = performance.now()
  // the network must show as many peers as the copies asked for (3 unless said)
  const { result, via } = await withBackend(flags, io, { peers: replicas ?? 3, writes: true }, async (backend, signal) => {
    const progress = createProgress('put', { quiet: flags.quiet === true || flags.json === true, stream: io.stderr })
    try {
      const stored = await putTree(backend, source, {
        replicas,
        convergence,
        compress: flags.compress,
        signal,
        onProgress: (bytes, total) => progress.update({ bytes, total })
      })
      return { result: stored, via: backend.via }
    } finally {
      progress.stop()
    }
  })
  const seconds = (performance.now() - started) / 1000
  if (flags.json === true) {
    println(io.stdout, JSON.stringify({ uri: result.uri, size: result.size, chunks: result.chunks, newChunks: result.newChunks, storedBytes: result.storedBytes, seconds }))
    return
  }
  println(io.stderr, `stored ${formatBytes(result.size)} in ${result.chunks} chunks (${result.newChunks} new, ${formatBytes(result.storedBytes)} written)${via !== '' ? ` ${via}` : ''} in ${seconds.toFixed(2)} s`)
  println(io.stdout, result.uri)
}
