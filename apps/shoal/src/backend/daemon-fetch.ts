// One file from GET /v1/files/<uri> into its partial file, resumable: what is on disk is
// a prefix of the file; every second (or 16 MiB) it is synced and its length recorded in
// the partial's state (prefix-state.ts), and a later run asks for the rest with
// `Range: bytes=<length>-` (content under a capability never changes).
import { open, stat, type FileHandle } from 'node:fs/promises'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { CHECKPOINT_BYTES, CHECKPOINT_MS, CREATE_NO_FOLLOW, RESUME_NO_FOLLOW, writeAt } from '@shoal/client'
import { parseCapability } from '@shoal/manifest'
import { DaemonTransferError, uriPath, type DaemonClient } from '../daemon-client.js'
import type { Fetched, FetchOptions, Metadata, PartialFile } from './backend.js'
import { readPrefixState, removeState, writePrefixState } from './prefix-state.js'

export async function fetchThroughDaemon (daemon: DaemonClient, uri: string, partial: PartialFile, options: FetchOptions): Promise<Fetched> {
  const { signal } = options
  const cid = parseCapability(uri).cid.toString()
  const path = uriPath('/v1/files/', uri)
  const vouched = await readPrefixState(partial.state, cid)
  if (vouched === 'foreign') await removeState(partial.state)
  // the state may vouch for more than a partial file someone shortened since
  let have = vouched === 'foreign' ? 0 : Math.min(vouched, await sizeOf(partial.data))
  let file: FileHandle | null = null
  let resumedBytes: number | null = null
  let fetchedBytes = 0
  let checkpointed = { at: performance.now(), bytes: have }
  const checkpoint = async (): Promise<void> => {
    if (file === null || have === checkpointed.bytes) return
    await file.datasync()
    await writePrefixState(partial.state, cid, have)
    checkpointed = { at: performance.now(), bytes: have }
  }
  // a body cut short is asked for again from where it stopped, as long as each try gets
  // further: what cut it (a chunk the daemon could not find) is then answered as an error
  try {
    while (true) {
      const res = await daemon.request('GET', path, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, accept: [416], signal })
      if (res.statusCode === 416) {
        res.resume()
        if (totalOf(res) === have) {
          // the prefix is the whole file: the last run died between its last write and the rename
          const head = await daemon.request('HEAD', path, { signal })
          head.resume()
          resumedBytes ??= have
          file ??= await open(partial.data, RESUME_NO_FOLLOW)
          return await finish(file, partial, have, { fetchedBytes, resumedBytes, meta: recorded(head.headers) })
        }
        have = 0 // longer than the file: not a prefix of it after all
        continue
      }
      const size = res.statusCode === 206 ? totalOf(res) : Number(res.headers['content-length'])
      if (res.statusCode !== 206 && have > 0) have = 0 // the daemon sent the whole file
      resumedBytes ??= have
      if (file === null) {
        if (have === 0) await removeState(partial.state)
        file = await open(partial.data, have > 0 ? RESUME_NO_FOLLOW : CREATE_NO_FOLLOW, 0o600)
      }
      const before = have
      try {
        for await (const part of res as AsyncIterable<Buffer>) {
          await writeAt(file, part, have)
          have += part.byteLength
          fetchedBytes += part.byteLength
          options.onProgress?.(have, size)
          if (have - checkpointed.bytes >= CHECKPOINT_BYTES || performance.now() - checkpointed.at > CHECKPOINT_MS) await checkpoint()
        }
      } catch (err) {
        signal?.throwIfAborted()
        if (!isBrokenConnection(err)) throw err
        if (have > before) continue
        throw new DaemonTransferError((err as Error).message)
      }
      if (have !== size) {
        if (have > before) continue
        throw new DaemonTransferError(`got ${have} of ${size} bytes`)
      }
      return await finish(file, partial, size, { fetchedBytes, resumedBytes, meta: recorded(res.headers) })
    }
  } catch (err) {
    // whatever is on disk now is vouched for, for the next run (kept only when stopped)
    await checkpoint().catch(() => {})
    await file?.close().catch(() => {})
    throw err
  }
}

async function finish (file: FileHandle, partial: PartialFile, size: number, done: { fetchedBytes: number, resumedBytes: number, meta: Metadata }): Promise<Fetched> {
  try {
    await file.truncate(size) // a resumed partial may have been longer
    await file.sync()
  } finally {
    await file.close()
  }
  await removeState(partial.state)
  return { size, ...done.meta, fetchedBytes: done.fetchedBytes, resumedBytes: done.resumedBytes, duplicates: 0, blamed: [] }
}

async function sizeOf (path: string): Promise<number> {
  return (await stat(path).catch(() => null))?.size ?? 0
}

/** The file's whole size from `Content-Range: bytes a-b/size` (or `bytes *\/size`). */
function totalOf (res: IncomingMessage): number {
  return Number(/\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1])
}

/** The mode and mtime the uploader recorded, as the daemon sends them with a file. */
function recorded (headers: IncomingHttpHeaders): Metadata {
  const number = (name: string): number | undefined => {
    const value = headers[name]
    return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined
  }
  const mode = number('x-shoal-mode')
  const mtime = number('x-shoal-mtime')
  return { ...(mode !== undefined ? { mode } : {}), ...(mtime !== undefined ? { mtime } : {}) }
}

/** The daemon cut the body short: it failed after sending the status, or went away. */
function isBrokenConnection (err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted'
}
