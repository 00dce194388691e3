import { resolve } from 'node:path'
import { entryNameProblem } from '@shoal/manifest'
import { withBackend } from '../../backend/choose.js'
import { checkConvergence, type CommonOptions } from '../../context.js'
import { UsageError } from '../../errors.js'
import { println, type CommandIo } from '../../io.js'
import { checkLease } from '../../lease-flag.js'
import { checkReplicas } from '../../network.js'
import { parseRedundancy } from '../../redundancy.js'
import { createProgress, type TransferProgress } from '../../progress.js'
import { formatBytes } from '../../size.js'
import { noticeCount, type NoticeCount, type NoticeCounter } from '../../transfer/notices.js'
import { putInput, putTree } from '../../transfer/put-tree.js'
import { scanTree, type Scan } from '../../transfer/scan.js'
import { showName } from '../escape.js'

export interface PutFlags extends CommonOptions { compress: boolean, replicas?: string, redundancy?: string, lease?: string, followSymlinks?: boolean, name?: string }

export async function putHandler (path: string, flags: PutFlags, io: CommandIo): Promise<void> {
  if (flags.replicas !== undefined && flags.redundancy !== undefined) {
    throw new UsageError('--replicas and --redundancy both say how chunks are kept: give one (--replicas N is --redundancy replicate:N)')
  }
  const replicas = flags.replicas === undefined ? undefined : checkReplicas(flags.replicas)
  const redundancy = flags.redundancy === undefined ? undefined : parseRedundancy(flags.redundancy)
  const leaseMs = flags.lease === undefined ? undefined : checkLease(flags.lease)
  const convergence = checkConvergence(flags.convergence)
  const name = flags.name === undefined ? undefined : checkName(flags.name)
  const skipped = noticeCount()
  const notFollowed = noticeCount()
  // what is there, before anything is stored (and before the network is joined)
  const scan = path === '-' ? undefined : await scanLocal(path, io, flags, { skipped, notFollowed })
  if (scan !== undefined && name !== undefined) scan.root.name = name
  for (const notice of skipped.examples) println(io.stderr, `shoal: skipped ${showName(notice.path)}: ${notice.reason} (only files, directories and symbolic links are stored)`)
  for (const notice of notFollowed.examples) println(io.stderr, `shoal: stored ${showName(notice.path)} as a symbolic link, not followed: ${notice.reason}`)
  const started = performance.now()
  // the network must show as many peers as the copies or pieces asked for (3 unless said)
  const peers = redundancy === undefined ? replicas ?? 3 : redundancy.scheme === 'replicate' ? redundancy.replicas : redundancy.k + redundancy.m
  const { result, via } = await withBackend(flags, io, { peers, writes: true }, async (backend, signal) => {
    const progress = createProgress('put', { quiet: flags.quiet === true || flags.json === true, stream: io.stderr })
    try {
      const options = {
        replicas,
        ...(redundancy !== undefined ? { redundancy } : {}),
        ...(leaseMs !== undefined ? { leaseMs } : {}),
        convergence,
        compress: flags.compress,
        signal,
        onProgress: (p: TransferProgress) => progress.update(p)
      }
      const stored = scan === undefined
        ? await putInput(backend, io.stdin ?? process.stdin, name !== undefined ? { name } : {}, options)
        : await putTree(backend, scan, options)
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
      manifests: result.manifests,
      newChunks: result.newChunks,
      storedBytes: result.storedBytes,
      seconds,
      skipped: counted(skipped),
      ...(flags.followSymlinks === true ? { notFollowed: counted(notFollowed) } : {})
    }))
    return
  }
  const left = skipped.count > 0 ? `; skipped ${skipped.count} ${skipped.count === 1 ? 'entry that is' : 'entries that are'} not a file, directory or symbolic link` : ''
  const blocks = `${plural(result.chunks, 'chunk')} + ${plural(result.manifests, 'manifest')}`
  println(io.stderr, `stored ${formatBytes(result.size)} in ${blocks} (${result.newChunks} new, ${formatBytes(result.storedBytes)} written)${via !== '' ? ` ${via}` : ''} in ${seconds.toFixed(2)} s${left}`)
  println(io.stdout, result.uri)
}

/** Walks what `path` names; a path that is not there is the user's mistake. */
async function scanLocal (path: string, io: CommandIo, flags: PutFlags, notices: { skipped: NoticeCounter, notFollowed: NoticeCounter }): Promise<Scan> {
  const source = resolve(io.cwd, path)
  return await scanTree(source, {
    followSymlinks: flags.followSymlinks === true,
    onSkipped: notice => notices.skipped.add(notice),
    onNotFollowed: notice => notices.notFollowed.add(notice)
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' && err.path === source) throw new UsageError(`${showName(path)}: no such file or directory`)
    throw err
  })
}

/** --name: one path component, as a manifest holds names. */
function checkName (name: string): string {
  const problem = entryNameProblem(name)
  if (problem !== undefined) throw new UsageError(`--name: ${showName(name)} ${problem}`)
  return name
}

function plural (n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`
}

function counted (notices: NoticeCount): NoticeCount {
  return { count: notices.count, examples: notices.examples }
}
