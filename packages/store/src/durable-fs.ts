import { mkdir, open, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Write a whole new file and flush its data (and the size it needs to be read back) to
 * the disk. The file's name is not yet durable: the caller renames it into place and
 * syncs that directory.
 */
export async function writeFileSynced (path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx')
  try {
    await handle.writeFile(bytes)
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/** Make the entries of a directory (creations, renames, unlinks in it) durable. */
export async function syncDir (path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } catch (err: any) {
    // Windows cannot fsync a directory; NTFS journals renames itself.
    if (process.platform !== 'win32' || (err.code !== 'EPERM' && err.code !== 'EISDIR')) throw err
  } finally {
    await handle.close()
  }
}

export async function unlinkIfPresent (path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (err: any) {
    if (err.code === 'ENOENT') return false
    throw err
  }
}

export function isNotFound (err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT'
}

/**
 * Creates directories durably: mkdir, then sync the parent so the new entry survives a
 * power cut. A directory found already present is synced into its parent too, once per
 * run, because a crashed previous run may have made it without syncing. The memo holds
 * at most one promise per shard directory (65,792), so it is bounded whatever the vault
 * holds.
 */
export class DurableDirs {
  private readonly made = new Map<string, Promise<void>>()

  async ensure (path: string): Promise<void> {
    let making = this.made.get(path)
    if (making == null) {
      making = this.make(path)
      this.made.set(path, making)
      making.catch(() => this.made.delete(path))
    }
    await making
  }

  private async make (path: string): Promise<void> {
    try {
      await mkdir(path)
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err
    }
    await syncDir(dirname(path))
  }

  clear (): void {
    this.made.clear()
  }
}
