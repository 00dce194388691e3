// Convergence secrets: the HMAC key that turns a plaintext digest into its chunk key.
// 'user' mode (default): 32 random bytes kept in the data dir, so chunks dedupe across
// one user's uploads only. 'shared' mode: one public constant, so identical chunks
// dedupe across the whole network. README.md has the trade-off.
import { randomBytes, randomFillSync } from 'node:crypto'
import { link, mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DIGEST_BYTES } from './constants.js'
import { InvalidConvergenceSecretError } from './errors.js'
import { sha256 } from './hash.js'
import { readSecretFile } from './secret-file.js'

export type ConvergenceMode = 'user' | 'shared'

/** The domain string whose SHA-256 is SHARED_CONVERGENCE_SECRET. Changing it splits the network's dedup. */
export const SHARED_CONVERGENCE_DOMAIN = 'shoal/shared-convergence-secret/v1'

/**
 * The network-wide secret for `--convergence shared`: sha256 of SHARED_CONVERGENCE_DOMAIN
 * as UTF-8, which is
 * e1b7bf879b89b8992aaf9671fe3ec96559574d41f21952c668d8e81684d2b677.
 * Public by design. Treat it as read-only: it is one array shared by the process.
 */
export const SHARED_CONVERGENCE_SECRET: Uint8Array = sha256(new TextEncoder().encode(SHARED_CONVERGENCE_DOMAIN))

/** Name of the secret file inside a data dir. */
export const CONVERGENCE_SECRET_FILE = 'convergence-secret'

/** Text form on disk: 64 hex digits and a newline (a CRLF or no newline is accepted). */
const FILE_FORMAT = /^([0-9a-fA-F]{64})(\r?\n)?$/
/** Anything longer than this cannot be a secret file; do not read it all. */
const MAX_FILE_BYTES = 128

/** Error codes from link(2) that mean "no hard links here", not "something is wrong". */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'])

/** 32 random bytes from the OS CSPRNG: a new per-user convergence secret. */
export function generateConvergenceSecret (): Uint8Array {
  return randomFillSync(new Uint8Array(DIGEST_BYTES))
}

/**
 * Returns the user's convergence secret from `dir`, creating it on first use.
 *
 * Created with mode 0600 under a temporary name, fsynced, then published with link(2),
 * which fails if the name exists: two processes starting at once on a fresh data dir
 * agree on one secret (the loser reads the winner's). On file systems without hard
 * links it falls back to rename(2). A file that exists but does not hold a secret
 * throws InvalidConvergenceSecretError and is never replaced.
 */
export async function loadOrCreateConvergenceSecret (dir: string): Promise<Uint8Array> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('dir must be a non-empty path string')
  const path = join(dir, CONVERGENCE_SECRET_FILE)
  const existing = await readSecret(path)
  if (existing !== undefined) return existing

  await mkdir(dir, { recursive: true, mode: 0o700 })
  const secret = generateConvergenceSecret()
  if (await publishExclusively(dir, path, secret)) return secret
  const winner = await readSecret(path)
  if (winner === undefined) throw new Error(`convergence secret ${path} vanished while it was being created`)
  return winner
}

/** The secret for a mode: the public constant for 'shared', the data dir's for 'user'. */
export async function resolveConvergenceSecret (mode: ConvergenceMode, dir: string): Promise<Uint8Array> {
  if (mode === 'shared') return SHARED_CONVERGENCE_SECRET
  if (mode === 'user') return await loadOrCreateConvergenceSecret(dir)
  throw new TypeError(`convergence mode must be 'user' or 'shared', got ${JSON.stringify(mode)}`)
}

async function readSecret (path: string): Promise<Uint8Array | undefined> {
  const content = await readSecretFile(path, {
    maxBytes: MAX_FILE_BYTES,
    tooLarge: size => new InvalidConvergenceSecretError(path, `${size} bytes, expected 64 hex digits and a newline`)
  })
  if (content === undefined) return undefined
  const match = FILE_FORMAT.exec(content.toString('latin1'))
  if (match === null) {
    const reason = content.byteLength === 0
      ? 'the file is empty'
      : /^[0-9a-fA-F]*\r?\n?$/.test(content.toString('latin1'))
        ? `${content.toString('latin1').trim().length} hex digits, expected 64`
        : 'it holds characters other than hex digits'
    throw new InvalidConvergenceSecretError(path, reason)
  }
  return new Uint8Array(Buffer.from(match[1], 'hex'))
}

/** Writes `secret` to `path` unless a file is already there; true if ours was published. */
async function publishExclusively (dir: string, path: string, secret: Uint8Array): Promise<boolean> {
  const temp = join(dir, `.${CONVERGENCE_SECRET_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx', 0o600)
    try {
      await handle.chmod(0o600) // the umask can only clear bits; make the mode exact anyway
      await handle.writeFile(`${Buffer.from(secret).toString('hex')}\n`)
      await handle.sync()
    } finally {
      await handle.close()
    }
    try {
      await link(temp, path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? ''
      if (code === 'EEXIST') return false
      if (!NO_HARD_LINKS.has(code)) throw err
      await rename(temp, path)
    }
    await syncDirectory(dir)
    return true
  } finally {
    await rm(temp, { force: true })
  }
}

/** Makes the new directory entry durable. Not possible everywhere (Windows): best effort. */
async function syncDirectory (dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch {
    // EISDIR/EPERM on platforms that cannot open or fsync a directory.
  } finally {
    await handle?.close()
  }
}
