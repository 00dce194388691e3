// `shoal get` through a running daemon. A file streams from GET /v1/files/<uri> into a
// temp file beside the target, renamed at the end. The temp file's name comes from the
// URI, so a get that was interrupted leaves a prefix the next get of the same URI to the
// same target finds and continues with `Range: bytes=<size>-` (content under a
// capability never changes, so the prefix is still right). A directory is walked with
// GET /v1/manifests and its files fetched (several at once) into a temp directory named
// the same way; an interrupted directory get leaves it, and the next one keeps the files
// already complete in it and continues the partial ones.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import type { IncomingHttpHeaders } from 'node:http'
import { basename, dirname, join, resolve } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { eachAtOnce, fileWeight, OutputExistsError, Permits, restoreMetadata, UnsafeNameError, writeLimit } from '@shoal/client'
import { DaemonRequestError, DaemonTransferError, uriPath, type DaemonClient } from '../../daemon-client.js'
import { UsageError } from '../../errors.js'
import { createProgress, type ProgressReporter } from '../../progress.js'
import { formatBytes } from '../../size.js'
import { quietOnClosedPipe } from '../../pipe.js'

export interface DaemonGetFlags { output: string, json?: boolean, quiet?: boolean }

interface Listing { type: 'file' | 'directory', mode?: number, mtime?: number, entries?: Array<{ name: string, type: 'file' | 'directory', size?: number, uri: string }> }

export async function getViaDaemon (daemon: DaemonClient, uri: string, flags: DaemonGetFlags): Promise<void> {
  if (flags.output === '-') {
    await pipeline(await daemon.request('GET', uriPath('/v1/files/', uri)), process.stdout).catch(quietOnClosedPipe)
    return
  }
  const target = resolve(flags.output)
  const parent = await stat(dirname(target)).catch(() => null)
  if (parent == null || !parent.isDirectory()) throw new UsageError(`-o: ${dirname(target)} is not a directory`)
  const started = performance.now()
  const progress = createProgress('get', { quiet: flags.quiet === true || flags.json === true })
  const result = { type: 'file' as 'file' | 'directory', size: 0, files: 0, resumedBytes: 0 }
  try {
    try {
      const file = await getFile(daemon, uri, target, progress)
      result.size = file.size
      result.resumedBytes = file.resumedBytes
      result.files = 1
    } catch (err) {
      if (!(err instanceof DaemonRequestError && err.code === 'ERR_WRONG_TYPE')) throw err
      result.type = 'directory'
      Object.assign(result, await getDirectory(daemon, uri, target, progress))
    }
  } finally {
    progress.stop()
  }
  const seconds = (performance.now() - started) / 1000
  if (flags.json === true) {
    console.log(JSON.stringify({ path: target, ...result, seconds }))
    return
  }
  const resumed = result.resumedBytes > 0 ? `, resumed after ${formatBytes(result.resumedBytes)}` : ''
  console.error(`wrote ${formatBytes(result.size)} (${result.files} file${result.files === 1 ? '' : 's'}) to ${target} in ${seconds.toFixed(2)} s${resumed}`)
}

/** Where a get of `uri` to `target` keeps its bytes until it is complete. */
export function partialPath (target: string, uri: string): string {
  const id = createHash('sha256').update(uri).digest('hex').slice(0, 16)
  return join(dirname(target), `.${basename(target)}.shoal-${id}.part`)
}

async function getFile (daemon: DaemonClient, uri: string, target: string, progress: Pick<ProgressReporter, 'update'>): Promise<{ size: number, resumedBytes: number }> {
  const temp = partialPath(target, uri)
  let have = (await stat(temp).catch(() => null))?.size ?? 0
  let res = await daemon.request('GET', uriPath('/v1/files/', uri), { headers: have > 0 ? { range: `bytes=${have}-` } : {}, accept: [416] })
  if (res.statusCode === 416) {
    res.resume()
    const total = Number(/\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1])
    // the prefix is already the whole file: the last get died between its last write and the rename
    if (total === have) {
      const head = await daemon.request('HEAD', uriPath('/v1/files/', uri))
      head.resume()
      return await finish(temp, target, { size: have, resumedBytes: have }, recorded(head.headers))
    }
    // longer than the file: not a prefix of it after all; start over
    await rm(temp, { force: true })
    have = 0
    res = await daemon.request('GET', uriPath('/v1/files/', uri))
  }
  const resumedBytes = res.statusCode === 206 ? have : 0
  const length = Number(res.headers['content-length'])
  let written = resumedBytes
  const counter = new Transform({
    transform (part: Buffer, _encoding, callback) {
      written += part.byteLength
      progress.update({ bytes: written, total: resumedBytes + length })
      callback(null, part)
    }
  })
  try {
    await pipeline(res, counter, createWriteStream(temp, { flags: resumedBytes > 0 ? 'a' : 'w', mode: 0o600 }))
  } catch (err) {
    // the partial file stays: the next get of this URI continues from it
    throw broken(err)
  }
  if (written - resumedBytes !== length) throw new DaemonTransferError(`got ${written - resumedBytes} of ${length} bytes`)
  return await finish(temp, target, { size: written, resumedBytes }, recorded(res.headers))
}

/** The mode and mtime the uploader recorded, as the daemon sends them with a file. */
function recorded (headers: IncomingHttpHeaders): Metadata {
  const number = (name: string): number | undefined => {
    const value = headers[name]
    return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined
  }
  return { mode: number('x-shoal-mode'), mtime: number('x-shoal-mtime') }
}

interface Metadata { mode?: number, mtime?: number }

async function finish<T> (temp: string, target: string, result: T, meta: Metadata): Promise<T> {
  const file = await open(temp, 'r+')
  try {
    await file.sync()
  } finally {
    await file.close()
  }
  // before the rename: a file under its own name is complete, metadata included
  await restoreMetadata(temp, meta)
  await rename(temp, target)
  return result
}

interface Totals { size: number, files: number, resumedBytes: number }

/**
 * A directory goes to a temp dir renamed at the end, as getFile in @shoal/client does it.
 * The temp dir stays when the get fails, like a file's partial: its name comes from the
 * URI and the target, so only a get of the same URI to the same target picks it up.
 */
async function getDirectory (daemon: DaemonClient, uri: string, target: string, progress: ProgressReporter): Promise<Totals> {
  if (await stat(target).catch(() => null) !== null) throw new OutputExistsError(target)
  const temp = partialPath(target, uri)
  const totals: Totals = { size: 0, files: 0, resumedBytes: 0 }
  await writeDirectory(daemon, uri, temp, { totals, progress, permits: new Permits(), bytes: 0 })
  await rename(temp, target)
  return totals
}

interface DirectoryWalk { totals: Totals, progress: ProgressReporter, permits: Permits, bytes: number }

async function writeDirectory (daemon: DaemonClient, uri: string, path: string, walk: DirectoryWalk): Promise<void> {
  const listing = await daemon.json<Listing>('GET', uriPath('/v1/manifests/', uri))
  await mkdir(path, { recursive: true }) // already there when resuming
  const entries = listing.entries ?? []
  // several files at once, as a get without a daemon does (@shoal/client's getFile)
  await eachAtOnce(entries, writeLimit(entries.map(entry => entry.name)), async entry => {
    // the daemon's manifest decoder refuses '/', NUL, '.' and '..'; check again: this is the
    // line between another machine's data and our file system
    if (entry.name.includes('/') || entry.name === '.' || entry.name === '..' || entry.name.includes('\0')) throw new UnsafeNameError(entry.name)
    const child = join(path, entry.name)
    if (entry.type === 'directory') {
      await writeDirectory(daemon, entry.uri, child, walk)
      return
    }
    // a file is under its own name only once complete and synced (getFile's finish)
    const done = await stat(child).catch(() => null)
    let file: { size: number, resumedBytes: number }
    if (done?.isFile() === true) {
      file = { size: done.size, resumedBytes: done.size }
      walk.bytes += done.size
    } else {
      let counted = 0 // this file's bytes already in walk.bytes
      file = await walk.permits.run(fileWeight(entry.size ?? 0, walk.permits), async () => await getFile(daemon, entry.uri, child, {
        update: p => {
          walk.bytes += p.bytes - counted
          counted = p.bytes
          walk.progress.update({ bytes: walk.bytes })
        }
      }))
      walk.bytes += file.size - counted
    }
    walk.totals.size += file.size
    walk.totals.resumedBytes += file.resumedBytes
    walk.totals.files++
    walk.progress.update({ bytes: walk.bytes })
  })
  // last: writing the entries changed the directory's own mtime
  await restoreMetadata(path, listing)
}

/** A connection that broke mid-body says so; anything else (a full disk) keeps its own error. */
function broken (err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' ? new DaemonTransferError((err as Error).message) : err
}
