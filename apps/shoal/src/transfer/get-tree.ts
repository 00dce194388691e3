// `shoal get` of a file or a directory tree to a path, in every mode, from what listTree
// found. Nothing appears under a name of the user's until it is complete: a file is
// written to its partial file and renamed, with its recorded mode and mtime already set;
// a directory's tree is built under its own partial name and renamed at the end, its
// files up to 8 at a time (one at a time where two names may be one file on this file
// system), the links of each directory last, once nothing more is written beneath it.
// Stopped, a get keeps what it wrote, and the same command continues it: files already
// complete in the tree are kept, partial ones continue where their state says. Failed
// any other way, it removes what it wrote: nothing is left that no run would continue.
import { lstat, mkdir, readlink, rename, rm, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { eachAtOnce, fileWeight, Permits, restoreMetadata, writeLimit, type Blame } from '@shoal/client'
import type { Backend, TransferStats } from '../backend/backend.js'
import { isInterruption } from '../errors.js'
import type { TransferProgress } from '../progress.js'
import type { RemoteDirectory, RemoteTree } from './list-tree.js'
import { moveIntoPlace } from './into-place.js'
import { discardPartial, partialOf } from './partial.js'
import { refuseExisting } from './target.js'

export interface GetSummary extends TransferStats {
  type: 'file' | 'directory'
  /** plaintext bytes of the files written (resumed ones included) */
  size: number
  files: number
  /** symbolic links made */
  links: number
}

export interface GetTreeOptions {
  /** replace what is at the target (--force) */
  replace: boolean
  signal?: AbortSignal
  /** plaintext bytes on disk so far of the tree's total, and for a tree its files done */
  onProgress?: (progress: TransferProgress) => void
}

/** What every file of one get shares. */
interface Walk { backend: Backend, options: GetTreeOptions, summary: GetSummary, permits: Permits, tree: RemoteTree, bytes: number }

/** Writes what `uri` names, listed as `tree`, to `target` (absolute), whose parent exists. */
export async function getTree (backend: Backend, uri: string, tree: RemoteTree, target: string, options: GetTreeOptions): Promise<GetSummary> {
  const summary: GetSummary = { type: tree.top.type, size: 0, files: 0, links: 0, fetchedBytes: 0, resumedBytes: 0, duplicates: 0, blamed: [] }
  const walk: Walk = { backend, options, summary, permits: new Permits(), tree, bytes: 0 }
  if (tree.directory === undefined) {
    await getFile(uri, target, walk, true)
    return summary
  }
  await refuseExisting(target, options.replace)
  // kept when the get is stopped, with the files complete in it: the same get continues
  const temp = partialOf(target, uri).data
  try {
    await writeDirectory(tree.directory, temp, walk)
    await moveIntoPlace(temp, target, options.replace)
  } catch (err) {
    if (!isInterruption(err, options.signal)) await rm(temp, { recursive: true, force: true })
    throw err
  }
  return summary
}

async function writeDirectory (directory: RemoteDirectory, path: string, walk: Walk): Promise<void> {
  const { options, summary, permits } = walk
  // there already when continuing; a link there (an earlier run's, under a name this file
  // system folds together with ours) must not be written through
  if ((await lstat(path).catch(() => null))?.isSymbolicLink() === true) await rm(path)
  await mkdir(path, { recursive: true })
  const entries = directory.listing.entries
  await eachAtOnce(entries, writeLimit(entries.map(entry => entry.name)), async entry => {
    const child = join(path, entry.name)
    if (entry.type === 'symlink') return // below, last
    if (entry.type === 'directory') {
      await writeDirectory(directory.children.get(entry.name) as RemoteDirectory, child, walk)
      return
    }
    // a file is under its own name only once complete (getFile): an earlier run wrote it
    const done = await lstat(child).catch(() => null)
    if (done?.isFile() === true && done.size === entry.size) {
      summary.size += done.size
      summary.resumedBytes += done.size
      summary.files++
      walk.bytes += done.size
      report(walk, false)
      return
    }
    await permits.run(fileWeight(entry.size, permits), async () => { await getFile(entry.uri, child, walk, false) }, options.signal)
  })
  for (const entry of entries) {
    if (entry.type !== 'symlink') continue
    await makeLink(entry.target, join(path, entry.name))
    summary.links++
  }
  // last: writing the entries changed the directory's own mtime
  await restoreMetadata(path, directory.listing)
}

/** A link as recorded; one an earlier run made is kept when it already says the same. */
async function makeLink (target: string, path: string): Promise<void> {
  try {
    await symlink(target, path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    if (await readlink(path).catch(() => null) === target) return
    await rm(path, { recursive: true, force: true })
    await symlink(target, path)
  }
}

async function getFile (uri: string, target: string, walk: Walk, top: boolean): Promise<void> {
  const { backend, options, summary } = walk
  const partial = partialOf(target, uri)
  // in the tree, a link under a partial file's names is one this get made from the
  // manifest (an earlier run's): out of the way, never written through
  if (!top) await removeLinks([partial.data, partial.state, `${partial.state}.tmp`])
  let counted = 0 // this file's bytes already in walk.bytes
  let fetched
  try {
    fetched = await backend.fetch(uri, partial, {
      signal: options.signal,
      onProgress: bytes => {
        walk.bytes += bytes - counted
        counted = bytes
        report(walk, top)
      }
    })
    walk.bytes += fetched.size - counted
    // before the rename: a file under its own name is complete, metadata included
    await restoreMetadata(partial.data, fetched)
    if (top) await moveIntoPlace(partial.data, target, options.replace)
    else await rename(partial.data, target)
  } catch (err) {
    // stopped: kept for the same get to continue; failed (a chunk nobody has, bad bytes,
    // a target that appeared meanwhile): removed
    if (!isInterruption(err, options.signal)) await discardPartial(partial)
    throw err
  }
  summary.size += fetched.size
  summary.files++
  report(walk, top)
  summary.fetchedBytes += fetched.fetchedBytes
  summary.resumedBytes += fetched.resumedBytes
  summary.duplicates += fetched.duplicates
  addBlame(summary.blamed, fetched.blamed)
}

async function removeLinks (paths: string[]): Promise<void> {
  for (const path of paths) {
    if ((await lstat(path).catch(() => null))?.isSymbolicLink() === true) await rm(path)
  }
}

function report (walk: Walk, top: boolean): void {
  const { tree, summary } = walk
  walk.options.onProgress?.({ bytes: walk.bytes, total: tree.bytes, ...(top ? {} : { files: { done: summary.files, total: tree.files } }) })
}

function addBlame (into: Blame[], more: Blame[]): void {
  for (const blame of more) {
    if (!into.some(b => b.holder === blame.holder)) into.push(blame)
  }
}
