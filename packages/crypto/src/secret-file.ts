// A secret file (peer key, convergence secret, API token, the capabilities a daemon
// renews) that others on this machine may read is no longer a secret. It is refused, not
// narrowed behind the user's back: someone widened it, and may already have copied it.
import { open, type FileHandle } from 'node:fs/promises'

/** A secret file whose mode lets its group or everyone read or write it. */
export class ExposedSecretFileError extends Error {
  static readonly code = 'ERR_SECRET_FILE_EXPOSED'
  readonly code = ExposedSecretFileError.code
  override name = 'ExposedSecretFileError'
  constructor (readonly path: string, readonly mode: number) {
    super(`${path} is a secret but its mode is ${(mode & 0o777).toString(8).padStart(4, '0')}, open to ${mode & 0o007 ? 'everyone' : 'its group'}; make it private with: chmod 600 ${path}`)
  }
}

/**
 * Throws ExposedSecretFileError when the open file `handle` (at `path`, for the message)
 * has any group or other permission bit. POSIX only: Windows has no such bits.
 * @throws ExposedSecretFileError
 */
export async function refuseExposedSecret (handle: FileHandle, path: string): Promise<void> {
  if (process.platform === 'win32') return
  const { mode } = await handle.stat()
  if ((mode & 0o077) !== 0) throw new ExposedSecretFileError(path, mode)
}

/**
 * The bytes of the secret file at `path`, or undefined when there is none; refused
 * (ExposedSecretFileError) when others may read it, and with `tooLarge(size)` when it is
 * over `maxBytes` (nothing is read).
 */
export async function readSecretFile (path: string, limit?: { maxBytes: number, tooLarge: (size: number) => Error }): Promise<Buffer | undefined> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  try {
    await refuseExposedSecret(handle, path)
    if (limit !== undefined) {
      const { size } = await handle.stat()
      if (size > limit.maxBytes) throw limit.tooLarge(size)
    }
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}
