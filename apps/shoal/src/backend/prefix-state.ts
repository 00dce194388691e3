// The state file of a download through a daemon: the daemon sends a file's bytes in
// order, so what is on disk for sure is a prefix, and the state records its length. A
// download without a daemon records the chunks it has instead (@shoal/client's
// downloadFile, same file name): each kind of download starts over on the other's state,
// and removes it first, so that neither ever trusts bytes the other did not vouch for.
import { readFile, rename, rm, writeFile } from 'node:fs/promises'
import { CREATE_NO_FOLLOW } from '@shoal/client'

const VERSION = 1
const KIND = 'prefix'

interface PrefixState { version: number, kind: string, cid: string, bytes: number }

/** Bytes of the partial file the state vouches for (0: none), or 'foreign': a state of another kind, or for other content. */
export async function readPrefixState (path: string, cid: string): Promise<number | 'foreign'> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return 0
  }
  try {
    const state = JSON.parse(text) as Partial<PrefixState>
    if (state.version === VERSION && state.kind === KIND && state.cid === cid && Number.isSafeInteger(state.bytes) && (state.bytes as number) >= 0) return state.bytes as number
  } catch {}
  return 'foreign'
}

/** Whether `path` holds a prefix state (of any content): a chunk download must not leave it beside its own bytes. */
export async function isPrefixState (path: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as Partial<PrefixState>).kind === KIND
  } catch {
    return false
  }
}

/** Records that the first `bytes` of the partial file are on disk (call only after syncing them). */
export async function writePrefixState (path: string, cid: string, bytes: number): Promise<void> {
  const state: PrefixState = { version: VERSION, kind: KIND, cid, bytes }
  const temp = `${path}.tmp`
  await writeFile(temp, JSON.stringify(state), { mode: 0o600, flag: CREATE_NO_FOLLOW })
  await rename(temp, path)
}

export async function removeState (path: string): Promise<void> {
  await rm(path, { force: true })
}
