// How a daemon tells local clients where its API is and how to prove they may use it:
// two files in the data dir. Only the user who owns the dir can read the token (0600),
// so reaching the API requires the same access as reading the vault itself.
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { readSecretFile } from '@shoal/crypto'

export const TOKEN_FILE = 'api-token'
export const ENDPOINT_FILE = 'api.json'

/** What api.json holds while a daemon runs. */
export interface ApiEndpoint { url: string, pid: number }

/** The token file holds something that is not a token; it is never replaced automatically. */
export class InvalidApiTokenError extends Error {
  static readonly code = 'ERR_INVALID_API_TOKEN'
  readonly code = InvalidApiTokenError.code
  override name = 'InvalidApiTokenError'
  constructor (readonly path: string, problem = 'does not hold an API token; remove it to make a new one') { super(`${path} ${problem}`) }
}

const TOKEN = /^[A-Za-z0-9_-]{43,}$/

/**
 * The data dir's API token: 32 random bytes, base64url, made once and reused on every
 * restart so that scripts holding it keep working.
 */
export async function loadOrCreateApiToken (dir: string): Promise<string> {
  const path = join(dir, TOKEN_FILE)
  const token = randomBytes(32).toString('base64url')
  try {
    const file = await open(path, 'wx', 0o600)
    try {
      await file.writeFile(token + '\n')
      await file.sync()
    } finally {
      await file.close()
    }
    return token
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  return await readApiToken(dir)
}

/** The token in `dir`; refused (ExposedSecretFileError) when others may read it. */
export async function readApiToken (dir: string): Promise<string> {
  const path = join(dir, TOKEN_FILE)
  const bytes = await readSecretFile(path)
  if (bytes === undefined) throw new InvalidApiTokenError(path, 'is missing; the node of this data dir makes it when it starts')
  const token = bytes.toString('utf8').trim()
  if (!TOKEN.test(token)) throw new InvalidApiTokenError(path)
  return token
}

/** Writes api.json under a temporary name and renames it, so a reader never sees half of it. */
export async function writeEndpoint (dir: string, endpoint: ApiEndpoint): Promise<void> {
  const path = join(dir, ENDPOINT_FILE)
  const temp = `${path}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(endpoint) + '\n', { mode: 0o600 })
  await rename(temp, path)
}

/** Removes api.json if it is still ours (it names this process). */
export async function removeEndpoint (dir: string): Promise<void> {
  const endpoint = await readEndpoint(dir).catch(() => null)
  if (endpoint !== null && endpoint.pid !== process.pid) return
  await rm(join(dir, ENDPOINT_FILE), { force: true })
}

/** The endpoint a daemon recorded, or null when there is no api.json. */
export async function readEndpoint (dir: string): Promise<ApiEndpoint | null> {
  let text: string
  try {
    text = await readFile(join(dir, ENDPOINT_FILE), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const value = JSON.parse(text) as Partial<ApiEndpoint>
  if (typeof value?.url !== 'string' || typeof value.pid !== 'number') throw new SyntaxError(`${join(dir, ENDPOINT_FILE)}: not { url, pid }`)
  return { url: value.url, pid: value.pid }
}
