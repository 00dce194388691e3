// `shoal put` of a file or a directory tree, in every mode, from what scanTree found:
// the files of a directory go several at once (a permit per started MiB, so a big file
// goes alone), each directory is listed once its entries are stored, in name order
// whatever order they finished in, so the same tree always gives the same URI. Links
// are listed as links.
import { eachAtOnce, fileWeight, FILES_AT_ONCE, Permits } from '@shoal/client'
import type { Backend, Entry, Metadata, PutOptions, Stored } from '../backend/backend.js'
import type { TransferProgress } from '../progress.js'
import type { DirectoryNode, FileNode, LocalNode, Scan } from './scan.js'

export interface PutTreeOptions extends Omit<PutOptions, 'alone' | 'onProgress'> {
  /** plaintext bytes taken in so far of the scan's total, and for a tree its files done */
  onProgress?: (progress: TransferProgress) => void
}

/** What every entry of one put shares. */
interface Walk { backend: Backend, options: PutTreeOptions, permits: Permits, scan: Scan, bytes: number, files: number }

/** Puts what `scan` found. */
export async function putTree (backend: Backend, scan: Scan, options: PutTreeOptions): Promise<Stored> {
  const walk: Walk = { backend, options, permits: new Permits(), scan, bytes: 0, files: 0 }
  return scan.root.kind === 'file' ? await putFile(scan.root, walk, true) : await putDirectory(scan.root, walk)
}

/** Puts a stream of unknown length (`put -`) as one file, with what `meta` records of it. */
export async function putInput (backend: Backend, stream: AsyncIterable<Uint8Array>, meta: Metadata, options: PutTreeOptions): Promise<Stored> {
  return await backend.putFile({ stream }, meta, { ...options, alone: true, onProgress: bytes => options.onProgress?.({ bytes }) })
}

function report (walk: Walk, top: boolean): void {
  const { scan } = walk
  walk.options.onProgress?.({ bytes: walk.bytes, total: scan.bytes, ...(top ? {} : { files: { done: walk.files, total: scan.files } }) })
}

function metadataOf (node: FileNode | DirectoryNode): Metadata {
  // `shoal put /` has no name to record
  return { ...(node.name !== '' ? { name: node.name } : {}), mode: node.mode, mtime: node.mtime }
}

async function putFile (node: FileNode, walk: Walk, top: boolean): Promise<Stored> {
  const { backend, options, permits } = walk
  let counted = 0 // this file's bytes already in walk.bytes
  const onProgress = (bytes: number): void => {
    walk.bytes += bytes - counted
    counted = bytes
    report(walk, top)
  }
  const weight = top ? 0 : fileWeight(node.size, permits)
  const stored = await permits.run(weight, async () => await backend.putFile({ path: node.path, size: node.size }, metadataOf(node), { ...options, alone: top, onProgress }), options.signal)
  // the scan's size: a file that grew or shrank since still ends at 100 %
  walk.bytes += node.size - counted
  walk.files++
  report(walk, top)
  return stored
}

async function putDirectory (node: DirectoryNode, walk: Walk): Promise<Stored> {
  const { backend, options } = walk
  const listed: Entry[] = new Array(node.children.length)
  const totals = { size: 0, chunks: 0, manifests: 0, newChunks: 0, storedBytes: 0 }
  await eachAtOnce(node.children, FILES_AT_ONCE, async (child: LocalNode, index) => {
    if (child.kind === 'symlink') {
      listed[index] = { name: child.name, type: 'symlink', target: child.target }
      return
    }
    const stored = child.kind === 'file' ? await putFile(child, walk, false) : await putDirectory(child, walk)
    listed[index] = { name: child.name, type: child.kind, size: stored.size, uri: stored.uri }
    totals.size += stored.size
    totals.chunks += stored.chunks
    totals.manifests += stored.manifests
    totals.newChunks += stored.newChunks
    totals.storedBytes += stored.storedBytes
  })
  const stored = await backend.putDirectory({ ...metadataOf(node), entries: listed }, { ...options, onProgress: undefined })
  return { ...totals, uri: stored.uri, manifests: totals.manifests + stored.manifests, newChunks: totals.newChunks + stored.newChunks, storedBytes: totals.storedBytes + stored.storedBytes }
}
