// `shoal put` through a running daemon: files stream to POST /v1/files, a directory is
// put file by file (several at once) and then described bottom-up with POST /v1/directories.
import { createReadStream } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { eachAtOnce, fileWeight, FILES_AT_ONCE, Permits, UnsupportedFileTypeError } from '@shoal/client'
import type { DaemonClient } from '../../daemon-client.js'
import { createProgress, type ProgressReporter } from '../../progress.js'
import { formatBytes } from '../../size.js'

export interface DaemonPutFlags { replicas?: number, convergence?: string, json?: boolean, quiet?: boolean }

interface Totals { uri: string, size: number, chunks: number, newChunks: number, storedBytes: number }

export async function putViaDaemon (daemon: DaemonClient, path: string, flags: DaemonPutFlags): Promise<void> {
  const started = performance.now()
  const progress = createProgress('put', { quiet: flags.quiet === true || flags.json === true })
  // no replicas named: the daemon's own --replicas decides
  const query = `${flags.replicas !== undefined ? `replicas=${flags.replicas}&` : ''}convergence=${flags.convergence ?? 'user'}`
  let result: Totals
  try {
    result = await putPath(daemon, resolve(path), { query, progress, done: 0, permits: new Permits() }, true)
  } finally {
    progress.stop()
  }
  const seconds = (performance.now() - started) / 1000
  if (flags.json === true) {
    console.log(JSON.stringify({ ...result, seconds }))
    return
  }
  console.error(`stored ${formatBytes(result.size)} in ${result.chunks} chunks (${result.newChunks} new, ${formatBytes(result.storedBytes)} written) through ${daemon.url} in ${seconds.toFixed(2)} s`)
  console.log(result.uri)
}

interface Walk { query: string, progress: ProgressReporter, done: number, permits: Permits }

async function putPath (daemon: DaemonClient, path: string, walk: Walk, top: boolean): Promise<Totals> {
  const info = top ? await stat(path) : await lstat(path)
  const name = basename(path)
  const nameQuery = name !== '' ? `&name=${encodeURIComponent(name)}` : ''
  // recorded as a put without a daemon records them (@shoal/client's put)
  const meta = { mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs) }
  if (info.isFile()) {
    const body = createReadStream(path, { highWaterMark: 1024 * 1024 })
    body.on('data', part => { walk.done += part.length; walk.progress.update({ bytes: walk.done }) })
    return await daemon.json<Totals>('POST', `/v1/files?${walk.query}${nameQuery}&mode=${meta.mode}&mtime=${meta.mtime}`, {
      body,
      headers: { 'content-type': 'application/octet-stream', 'content-length': info.size }
    })
  }
  if (!info.isDirectory()) throw new UnsupportedFileTypeError(path)
  const totals: Totals = { uri: '', size: 0, chunks: 0, newChunks: 0, storedBytes: 0 }
  const names = (await readdir(path)).sort()
  const listed: Array<{ name: string, type: 'file' | 'directory', size: number, uri: string } | undefined> = new Array(names.length)
  // several files at once, as a put without a daemon does (@shoal/client's put)
  await eachAtOnce(names, FILES_AT_ONCE, async (child, index) => {
    const kind = await lstat(join(path, child))
    if (!kind.isFile() && !kind.isDirectory()) return // symlinks, sockets, devices: not content (as put does)
    const weight = kind.isFile() ? fileWeight(kind.size, walk.permits) : 0
    const result = await walk.permits.run(weight, async () => await putPath(daemon, join(path, child), walk, false))
    listed[index] = { name: child, type: kind.isDirectory() ? 'directory' : 'file', size: result.size, uri: result.uri }
    totals.size += result.size
    totals.chunks += result.chunks
    totals.newChunks += result.newChunks
    totals.storedBytes += result.storedBytes
  })
  const entries = listed.filter(entry => entry !== undefined)
  const body = Buffer.from(JSON.stringify({ ...(name !== '' ? { name } : {}), ...meta, entries }))
  const stored = await daemon.json<{ uri: string }>('POST', `/v1/directories?${walk.query}`, {
    body,
    headers: { 'content-type': 'application/json', 'content-length': body.byteLength }
  })
  return { ...totals, uri: stored.uri }
}
