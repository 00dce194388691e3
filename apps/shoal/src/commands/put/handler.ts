import { resolve } from 'node:path'
import { withBackend } from '../../backend/choose.js'
import { checkConvergence, type CommonOptions } from '../../context.js'
import { UsageError } from '../../errors.js'
import { println, type CommandIo } from '../../io.js'
import { checkReplicas } from '../../network.js'
import { createProgress } from '../../progress.js'
import { formatBytes } from '../../size.js'
import { noticeCount, type NoticeCount } from '../../transfer/notices.js'
import { putTree } from '../../transfer/put-tree.js'
import { scanTree, type Scan } from '../../transfer/scan.js'
import { showName } from '../escape.js'

export interface PutFlags extends CommonOptions { compress: boolean, replicas?: string, followSymlinks?: boolean }

export async function putHandler (path: string, flags: PutFlags, io: CommandIo): Promise<void> {
  const replicas = flags.replicas === undefined ? undefined : checkReplicas(flags.replicas)
  const convergence = checkConvergence(flags.convergence)
  const source = resolve(io.cwd, path)
  const skipped = noticeCount()
  const notFollowed = noticeCount()
  // what is there, before anything is stored (and before the network is joined)
  const scan: Scan = await scanTree(source, {
    followSymlinks: flags.followSymlinks === true,
    onSkipped: notice => skipped.add(notice),
    onNotFollowed: notice => notFollowed.add(notice)
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' && err.path === source) throw new UsageError(`${showName(path)}: no such file or directory`)
    throw err
  })
  for (const notice of skipped.examples) println(io.stderr, `shoal: skipped ${showName(notice.path)}: ${notice.reason} (only files, directories and symbolic links are stored)`)
  for (const notice of notFollowed.examples) println(io.stderr, `shoal: stored ${showName(notice.path)} as a symbolic link, not followed: ${notice.reason}`)
  const started = performance.now()
  // the network must show as many peers as the copies asked for (3 unless said)
  const { result, via } = await withBackend(flags, io, { peers: replicas ?? 3, writes: true }, async (backend, signal) => {
    const progress = createProgress('put', { quiet: flags.quiet === true || flags.json === true, stream: io.stderr })
    try {
      const stored = await putTree(backend, scan, {
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
    println(io.stdout, JSON.stringify({
      uri: result.uri,
      size: result.size,
      chunks: result.chunks,
      newChunks: result.newChunks,
      storedBytes: result.storedBytes,
      seconds,
      skipped: counted(skipped),
      ...(flags.followSymlinks === true ? { notFollowed: counted(notFollowed) } : {})
    }))
    return
  }
  const left = skipped.count > 0 ? `; skipped ${skipped.count} ${skipped.count === 1 ? 'entry that is' : 'entries that are'} not a file, directory or symbolic link` : ''
  println(io.stderr, `stored ${formatBytes(result.size)} in ${result.chunks} chunks (${result.newChunks} new, ${formatBytes(result.storedBytes)} written)${via !== '' ? ` ${via}` : ''} in ${seconds.toFixed(2)} s${left}`)
  println(io.stdout, result.uri)
}

function counted (notices: NoticeCount): NoticeCount {
  return { count: notices.count, examples: notices.examples }
}
