import { mkdir, open, unlink, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Write a whole new file and flush its data (and the size it needs to be read back) to
 * the disk. The file's name is not yet durable: the caller renames it into place and
 * syncs that directory.
 */
export async function writeFileSynced (path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx')
  try {
    // One write call per blob where the OS allows (FileHandle.writeFile would split it
    // into 512 KiB trips through the thread pool).
    for (let done = 0; done < bytes.byteLength;) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, done)
      done += bytesWritten
    }
    await handle.datasync()
  } finally {
    await handle.close()
  }
}

/** Reads a whole file of known size with as few calls as the OS allows. */
export async function readWhole (handle: FileHandle, size: number): Promise<Uint8Array> {
  const bytes = Buffer.allocUnsafe(size)
  for (let done = 0; done < size;) {
    const { bytesRead } = await handle.read(bytes, done, size - done, done)
    if (bytesRead === 0) return bytes.subarray(0, done) // shrank under us: fails its hash
    done += bytesRead
  }
  return bytes
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
 * power cut. A directory that already exists when first asked for is trusted without a
 * sync: either a clean previous run synced it when it made it, or the start after an
 * unclean one synced every shard's parent (see recover). A directory whose sync failed is
 * synced again on the next attempt. The memo holds at most one promise per directory
 * (65,795 at most), so it is bounded whatever the vault holds.
 */
export class DurableDirs {
  private readonly made = new Map<string, Promise<void>>()
  private readonly unsynced = new Set<string>()

  async ensure (path: string): Promise<void> {
    let making = this.made.get(path)
    if (making == null) {
      making = this.make(path)
      this.made.set(path, making)
      making.catch(() => {
        this.made.delete(path)
        this.unsynced.add(path)
      })
    }
    await making
  }

  private async make (path: string): Promise<void> {
    try {
      await mkdir(path)
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err
      if (!this.unsynced.has(path)) return
    }
    await syncDir(dirname(path))
    this.unsynced.delete(path)
  }

  clear (): void {
    this.made.clear()
    this.unsynced.clear()
  }
}
