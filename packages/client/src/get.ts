import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm, stat, symlink, utimes, chmod } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { parseCapability, type Capability, type DirectoryManifest, type FileManifest, type Manifest } from '@shoal/manifest'
import { EscapingLinkError, WrongTypeError, type LinkRef } from './errors.js'
import { checkLocalName } from './local-name.js'
import { readContent, type FetchOptions } from './fetch.js'
import { downloadFile, partialPaths, type DownloadOptions } from './download.js'
import type { Blame } from './swarm.js'
import { LinkTree } from './links.js'
import { loadManifest } from './manifest-io.js'
import { eachAtOnce, fileWeight, Permits, writeLimit } from './permits.js'
import type { ChunkSource, GetOptions } from './types.js'

export interface GetResult {
  type: 'file' | 'directory'
  /** Plaintext bytes written. */
  size: number
  /** Files written (1 for a file). */
  files: number
  /** Sealed bytes received from holders (duplicates and rejected answers included). */
  fetchedBytes: number
  /** Plaintext bytes already on disk from an interrupted earlier get, not fetched again. */
  resumedBytes: number
  /** Extra requests for stalled chunks and in endgame. */
  duplicates: number
  /** Holders skipped during the download, and why. */
  blamed: Blame[]
}

function toCapability (capability: Capability | string): Capability {
  return typeof capability === 'string' ? parseCapability(capability) : capability
}

/** The manifest a capability names (a file or a directory listing). */
export async function readManifest (capability: Capability | string, source: ChunkSource, options: FetchOptions = {}): Promise<FileManifest | DirectoryManifest> {
  const manifest = await loadManifest(toCapability(capability), source, options)
  return manifest as FileManifest | DirectoryManifest
}

/** A file's plaintext, in order, verified chunk by chunk. */
export async function * getStream (capability: Capability | string, source: ChunkSource, options: GetOptions = {}): AsyncGenerator<Uint8Array> {
  const manifest = await loadManifest(toCapability(capability), source, options)
  if (manifest.type !== 'file') throw new WrongTypeError(`capability names a ${manifest.type}, not a file`)
  yield * readContent(manifest.chunks, source, { ...options, file: { manifest } })
}

/**
 * Writes the file or directory a capability names to `target`. Everything is written
 * under a temporary name beside the target and renamed at the end, so a failed get
 * never leaves a partial file or tree under the target's name.
 */
export async function getFile (capability: Capability | string, source: ChunkSource, target: string, options: GetOptions = {}): Promise<GetResult> {
  const cap = toCapability(capability)
  const manifest = await loadManifest(cap, source, options)
  const result: GetResult = { type: manifest.type === 'directory' ? 'directory' : 'file', size: 0, files: 0, fetchedBytes: 0, resumedBytes: 0, duplicates: 0, blamed: [] }
  if (manifest.type === 'file') {
    // a file resumes: its partial name follows from the manifest, with a state file beside it
    const partial = partialPaths(target, cap.cid)
    await writeFileContent(manifest, source, partial.data, result, { ...options, state: options.resume === false ? null : { path: partial.state, cid: cap.cid } })
    await rename(partial.data, target)
    return result
  }
  const temp = join(dirname(target), `.${basename(target)}.shoal-${randomBytes(6).toString('hex')}.part`)
  await refuseExistingDirectory(target)
  try {
    const walk: Walk = { source, result, permits: new Permits(), links: [], tree: new LinkTree() }
    await writeManifest(manifest, temp, walk, options, '')
    await writeLinks(walk, temp, options)
    await rename(temp, target)
  } catch (err) {
    await rm(temp, { recursive: true, force: true })
    throw err
  }
  return result
}

async function refuseExistingDirectory (target: string): Promise<void> {
  const existing = await stat(target).catch(() => null)
  if (existing != null) throw new OutputExistsError(target)
}

/** What every entry of one get shares: where chunks come from, the counts, the permits, the links met. */
interface Walk { source: ChunkSource, result: GetResult, permits: Permits, links: PendingLink[], tree: LinkTree }

/** A link made once the whole tree is known, in a directory whose mtime is then set again. */
interface PendingLink extends LinkRef { dir: string, recorded: DirectoryManifest }

/**
 * Writes a file, or a directory with its entries FILES_AT_ONCE at a time (their files
 * share the walk's permits, as in put). Names one file system may take for the same file
 * (case, Unicode form) would race for it: a directory with such names is written one at
 * a time.
 */
async function writeManifest (manifest: Manifest, path: string, walk: Walk, options: GetOptions, relative: string): Promise<void> {
  const { source, result, permits } = walk
  if (manifest.type === 'file') {
    await writeFileContent(manifest, source, path, result, { ...options, state: null })
  } else if (manifest.type === 'directory') {
    await mkdir(path)
    await eachAtOnce(manifest.entries, writeLimit(manifest.entries.map(entry => entry.name)), async entry => {
      checkLocalName(entry.name)
      const inTree = relative === '' ? entry.name : `${relative}/${entry.name}`
      if (entry.type === 'symlink') {
        walk.links.push({ path: inTree, target: entry.target, dir: path, recorded: manifest })
        walk.tree.add(inTree, entry.target)
        return
      }
      const child = await loadManifest(entry.capability, source, options)
      if (child.type !== entry.type) throw new WrongTypeError(`${entry.name}: listed as a ${entry.type}, manifest is a ${child.type}`)
      const weight = child.type === 'file' ? fileWeight(child.size, permits) : 0
      await permits.run(weight, async () => { await writeManifest(child, join(path, entry.name), walk, { ...options, onProgress: undefined }, inTree) }, options.signal)
      options.onProgress?.({ bytes: result.size })
    })
    await restoreMetadata(path, manifest)
  } else {
    throw new WrongTypeError(`unexpected ${manifest.type} manifest`)
  }
}

/**
 * Links last, when the whole tree is known (one may lead out through another) and no
 * file is written after them, so none is written through one. Their directories' mtimes
 * are set again: making a link changed them.
 */
async function writeLinks (walk: Walk, root: string, options: GetOptions): Promise<void> {
  if (options.allowEscapingLinks !== true) {
    const leaving = walk.links.filter(link => walk.tree.leaves(link.path, link.target))
    if (leaving.length > 0) throw new EscapingLinkError(leaving.map(({ path, target }) => ({ path, target })), 'the allowEscapingLinks option')
  }
  const touched = new Map<string, DirectoryManifest>()
  for (const link of walk.links) {
    await symlink(link.target, join(root, link.path))
    touched.set(link.dir, link.recorded)
  }
  for (const [dir, recorded] of touched) await restoreMetadata(dir, recorded)
}

async function writeFileContent (manifest: FileManifest, source: ChunkSource, path: string, result: GetResult, options: GetOptions & { state: DownloadOptions['state'] }): Promise<void> {
  const done = await downloadFile(manifest, source, path, options)
  result.size += manifest.size
  result.files++
  result.fetchedBytes += done.stats.fetchedBytes
  result.resumedBytes += done.resumedBytes
  result.duplicates += done.stats.duplicates
  for (const blame of done.stats.blamed) {
    if (!result.blamed.some(b => b.holder === blame.holder)) result.blamed.push(blame)
  }
  await restoreMetadata(path, manifest)
}

/** A manifest's recorded mode and mtime onto `path`: permission bits only (never setuid/setgid from someone else's manifest). */
export async function restoreMetadata (path: string, recorded: { mode?: number, mtime?: number }): Promise<void> {
  if (recorded.mode !== undefined) await chmod(path, recorded.mode & 0o777)
  if (recorded.mtime !== undefined) await setMtime(path, recorded.mtime)
}

/**
 * Best effort: a manifest may carry any whole number of milliseconds, and a time this
 * file system cannot hold (EINVAL), or no Date can, leaves the file's own mtime; the
 * content is what the get is for.
 */
async function setMtime (path: string, mtime: number): Promise<void> {
  const when = new Date(mtime)
  if (Number.isNaN(when.getTime())) return
  try {
    await utimes(path, new Date(), when)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err
  }
}

/** A download would replace something that is already there. */
export class OutputExistsError extends Error {
  static readonly code = 'ERR_OUTPUT_EXISTS'
  readonly code = OutputExistsError.code
  override name = 'OutputExistsError'
  /** `shown`: the path as the message should show it (escaped for a terminal), `hint`: what to do */
  constructor (readonly path: string, shown: string = path, hint: string = '') {
    super(`${shown} already exists${hint}`)
  }
}
