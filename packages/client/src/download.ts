// A file's content written at its offsets as the swarm delivers chunks, resumable: the
// output goes to a temp file whose name follows from the manifest, and a state file
// beside it lists the chunks already on disk. The state is only ever written after an
// fdatasync of the data it describes, so even a power cut cannot make a resumed
// download trust a chunk that never reached the disk.
import { createHash } from 'node:crypto'
import { open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { ChunkRef, FileManifest } from '@shoal/manifest'
import type { CID } from 'multiformats/cid'
import { packBitmap, unpackBitmap } from '@shoal/protocol'
import { CHECKPOINT_BYTES, CHECKPOINT_MS, CREATE_NO_FOLLOW, RESUME_NO_FOLLOW, writeAt } from './partial-file.js'
import { redundancyOptions } from './stripe-read.js'
import { swarm, type SwarmStats } from './swarm.js'
import type { ChunkSource, Progress, AbortOptions } from './types.js'
import { systemClock, type Clock } from '@shoal/runtime'

const STATE_VERSION = 1

export interface DownloadOptions extends AbortOptions {
  concurrency?: number
  onProgress?: (progress: Progress) => void
  /** time for the swarm and checkpoints (default real time) */
  clock?: Clock
  /** Where to keep the state of a resumable download, and the manifest it belongs to. */
  state?: { path: string, cid: CID } | null
}

export interface DownloadResult {
  stats: SwarmStats
  /** Plaintext bytes found on disk from an interrupted earlier run, not fetched again. */
  resumedBytes: number
}

/** Where a download of `manifestCid` to `target` keeps its partial file and state. */
export function partialPaths (target: string, manifestCid: CID): { data: string, state: string } {
  const tag = createHash('sha256').update(manifestCid.toString()).digest('hex').slice(0, 16)
  const base = join(dirname(target), `.${basename(target)}.shoal-${tag}`)
  return { data: `${base}.part`, state: `${base}.state` }
}

interface SavedState { version: number, cid: string, size: number, chunks: number, done: string }

/**
 * Writes the file's content to `path` (created or resumed). On success the data is
 * synced and the state file removed; interrupted (the signal aborted), both stay for the
 * next run; on any other failure both are removed.
 */
export async function downloadFile (manifest: FileManifest, source: ChunkSource, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const refs = manifest.chunks
  const statePath = options.state?.path ?? null
  const manifestCid = options.state?.cid
  const offsets = offsetsOf(refs)
  const done = new Uint8Array(refs.length)
  const saved = statePath !== null && manifestCid !== undefined ? await loadState(statePath, manifestCid, manifest) : null
  let resumed: FileHandle | null = null
  if (saved !== null) resumed = await open(path, RESUME_NO_FOLLOW).catch(() => null)
  if (resumed !== null && saved !== null) done.set(saved)
  const file = resumed ?? await open(path, CREATE_NO_FOLLOW, 0o600)
  let resumedBytes = 0
  refs.forEach((ref, i) => { if (done[i] === 1) resumedBytes += ref.size })
  let bytes = resumedBytes
  const total = manifest.size

  const clock = options.clock ?? systemClock
  let lastCheckpoint = clock.now()
  let sinceCheckpoint = 0
  let checkpointing: Promise<void> | null = null
  const checkpoint = async (): Promise<void> => {
    if (statePath === null || manifestCid === undefined) return
    const snapshot = done.slice() // only chunks whose writes completed before the sync
    await file.datasync()
    await saveState(statePath, { version: STATE_VERSION, cid: manifestCid.toString(), size: manifest.size, chunks: refs.length, done: Buffer.from(packBitmap([...snapshot].map(b => b === 1))).toString('base64') })
  }

  try {
    const stats = await swarm(refs, source, async (index, plaintext) => {
      await writeAt(file, plaintext, offsets[index])
      done[index] = 1
      bytes += plaintext.byteLength
      sinceCheckpoint += plaintext.byteLength
      options.onProgress?.({ bytes, total })
      if (checkpointing === null && (sinceCheckpoint >= CHECKPOINT_BYTES || clock.now() - lastCheckpoint > CHECKPOINT_MS)) {
        sinceCheckpoint = 0
        checkpointing = checkpoint().finally(() => { lastCheckpoint = clock.now(); checkpointing = null })
      }
    }, { recycle: true, signal: options.signal, window: options.concurrency, ...redundancyOptions(manifest, source, { clock }), skip: i => done[i] === 1, clock })
    await checkpointing
    // a resumed partial file could be longer than this content (a damaged or foreign one)
    if (resumed !== null) await file.truncate(manifest.size)
    await file.sync()
    await file.close()
    if (statePath !== null) await rm(statePath, { force: true })
    return { stats, resumedBytes }
  } catch (err) {
    await Promise.resolve(checkpointing).catch(() => {})
    // stopped, or a failure that may pass (holders unreachable): what is on disk is good
    const keep = statePath !== null && (options.signal?.aborted === true || (err as { interruption?: unknown })?.interruption === true)
    if (keep) await checkpoint().catch(() => {})
    await file.close().catch(() => {})
    if (!keep) {
      await rm(path, { force: true })
      if (statePath !== null) await rm(statePath, { force: true })
    }
    throw err
  }
}

function offsetsOf (refs: ChunkRef[]): number[] {
  const offsets: number[] = []
  let offset = 0
  for (const ref of refs) { offsets.push(offset); offset += ref.size }
  return offsets
}

// A state that does not match this manifest exactly (another file, a damaged or older
// format) is ignored: the download starts over rather than trusting it.
async function loadState (path: string, cid: CID, manifest: FileManifest): Promise<Uint8Array | null> {
  try {
    const saved = JSON.parse(await readFile(path, 'utf8')) as SavedState
    if (saved.version !== STATE_VERSION || saved.cid !== cid.toString() || saved.size !== manifest.size || saved.chunks !== manifest.chunks.length) return null
    const done = unpackBitmap(Buffer.from(saved.done, 'base64'), manifest.chunks.length)
    return Uint8Array.from(done, held => held ? 1 : 0)
  } catch {
    return null
  }
}

async function saveState (path: string, state: SavedState): Promise<void> {
  const temp = `${path}.tmp`
  await writeFile(temp, JSON.stringify(state), { mode: 0o600, flag: CREATE_NO_FOLLOW })
  await rename(temp, path)
}
