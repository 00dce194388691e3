// `shoal put` of a file or a directory tree, in every mode: the files of a directory go
// several at once (a permit per started MiB, so a big file goes alone), each directory is
// listed once its entries are stored, in name order whatever order they finished in, so
// the same tree always gives the same URI.
import type { Stats } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { eachAtOnce, fileWeight, FILES_AT_ONCE, Permits, UnsupportedFileTypeError } from '@shoal/client'
import type { Backend, Entry, Metadata, PutOptions, Stored } from '../backend/backend.js'

export interface PutTreeOptions extends Omit<PutOptions, 'alone' | 'onProgress'> {
  /** plaintext bytes taken in so far, of `total` when the put is of one file */
  onProgress?: (bytes: number, total?: number) => void
}

/** What every entry of one put shares. */
interface Walk { backend: Backend, options: PutTreeOptions, permits: Permits, bytes: number }

/** Puts `path` (absolute), a file or recursively a directory; symlinks and devices inside are skipped. */
export async function putTree (backend: Backend, path: string, options: PutTreeOptions): Promise<Stored> {
  const info = await stat(path) // a symlink named on the command line is followed
  return await putEntry(path, info, { backend, options, permits: new Permits(), bytes: 0 }, true)
}

async function putEntry (path: string, info: Stats, walk: Walk, top: boolean): Promise<Stored> {
  const { backend, options, permits } = walk
  // `shoal put /` has no name to record
  const name = basename(path)
  const meta: Metadata = { ...(name !== '' ? { name } : {}), mode: info.mode & 0o7777, mtime: Math.floor(info.mtimeMs) }
  if (info.isFile()) {
    let counted = 0 // this file's bytes already in walk.bytes
    const onProgress = (bytes: number): void => {
      walk.bytes += bytes - counted
      counted = bytes
      options.onProgress?.(walk.bytes, top ? info.size : undefined)
    }
    const weight = top ? 0 : fileWeight(info.size, permits)
    return await permits.run(weight, async () => await backend.putFile({ path, size: info.size }, meta, { ...options, alone: top, onProgress }), options.signal)
  }
  if (!info.isDirectory()) throw new UnsupportedFileTypeError(path)
  const names = (await readdir(path)).sort()
  const listed: Array<Entry | undefined> = new Array(names.length)
  const totals = { size: 0, chunks: 0, newChunks: 0, storedBytes: 0 }
  await eachAtOnce(names, FILES_AT_ONCE, async (child, index) => {
    const kind = await lstat(join(path, child))
    if (!kind.isFile() && !kind.isDirectory()) return // symlinks, sockets, devices: not content
    const stored = await putEntry(join(path, child), kind, walk, false)
    listed[index] = { name: child, type: kind.isDirectory() ? 'directory' : 'file', size: stored.size, uri: stored.uri }
    totals.size += stored.size
    totals.chunks += stored.chunks
    totals.newChunks += stored.newChunks
    totals.storedBytes += stored.storedBytes
  })
  const entries = listed.filter((entry): entry is Entry => entry !== undefined)
  const stored = await backend.putDirectory({ ...meta, entries }, { ...options, onProgress: undefined })
  return { ...totals, uri: stored.uri, newChunks: totals.newChunks + stored.newChunks, storedBytes: totals.storedBytes + stored.storedBytes }
}
