// The CLI's side of the daemon's HTTP API (docs/architecture.md, "Daemon and HTTP API"):
// `put`, `get` and `ls` use a running `shoal node` when its data dir says there is one
// (backend/daemon.ts), `status` and `peers` need it.
// node:http rather than fetch: an upload streams a file into the request while the
// daemon may answer early (a refusal), and node:http lets us see that answer.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { dataDir, type CommonOptions } from './context.js'
import type { CommandIo } from './io.js'
import { ENDPOINT_FILE, readApiToken, readEndpoint } from './daemon/api-files.js'

/** No daemon recorded in the data dir (no api.json), for commands that need one. */
export class NoDaemonError extends Error {
  static readonly code = 'ERR_NO_DAEMON'
  readonly code = NoDaemonError.code
  override name = 'NoDaemonError'
  constructor (readonly dir: string) {
    super(`no shoal node is running for data dir ${dir} (start one with: shoal node --data ${dir} ...)`)
  }
}

/** api.json names a daemon, but it does not answer (it crashed, or was killed with -9). */
export class DaemonUnreachableError extends Error {
  static readonly code = 'ERR_DAEMON_UNREACHABLE'
  readonly code = DaemonUnreachableError.code
  /** a get it broke off keeps its partial: the same command continues once the daemon is back */
  readonly interruption = true
  override name = 'DaemonUnreachableError'
  constructor (readonly dir: string, readonly url: string, reason: string) {
    super(`the shoal node recorded in ${join(dir, ENDPOINT_FILE)} (${url}) does not answer (${reason}); is it running? start it again, or remove that file`)
  }
}

/** The daemon refused or failed a request; `code` is the daemon's own error code. */
export class DaemonRequestError extends Error {
  override name = 'DaemonRequestError'
  constructor (readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

/** The connection broke while a response body was still coming. */
export class DaemonTransferError extends Error {
  static readonly code = 'ERR_DAEMON_TRANSFER'
  readonly code = DaemonTransferError.code
  readonly interruption = true
  override name = 'DaemonTransferError'
  constructor (reason: string) { super(`the transfer from the shoal node broke off: ${reason}`) }
}

export interface DaemonRequest {
  headers?: Record<string, string | number>
  /** a stream is piped in (an upload); bytes are sent as they are */
  body?: Readable | Uint8Array
  signal?: AbortSignal
  /** statuses that are answers rather than errors (default: any 2xx) */
  accept?: number[]
}

export interface DaemonClient {
  dir: string
  url: string
  /** Resolves with the response once its headers arrive; the caller reads the body. */
  request: (method: string, path: string, options?: DaemonRequest) => Promise<IncomingMessage>
  /** A request whose answer is JSON. */
  json: <T>(method: string, path: string, options?: DaemonRequest) => Promise<T>
}

/**
 * The daemon recorded in the data dir, or null when none is. A recorded one that is down
 * fails on first use.
 */
export async function findDaemon (options: Pick<CommonOptions, 'data'>, io?: Pick<CommandIo, 'env' | 'cwd'>): Promise<DaemonClient | null> {
  const dir = dataDir(options, io)
  const endpoint = await readEndpoint(dir).catch(err => { throw new DaemonUnreachableError(dir, join(dir, ENDPOINT_FILE), (err as Error).message) })
  if (endpoint === null) return null
  const seconds = Number(io?.env.SHOAL_DAEMON_IDLE_SECONDS)
  return createDaemonClient(dir, endpoint.url, await readApiToken(dir), seconds > 0 ? seconds * 1000 : DAEMON_IDLE_MS)
}

export async function requireDaemon (options: Pick<CommonOptions, 'data'>, io?: Pick<CommandIo, 'env' | 'cwd'>): Promise<DaemonClient> {
  const daemon = await findDaemon(options, io)
  if (daemon === null) throw new NoDaemonError(dataDir(options, io))
  return daemon
}

/**
 * How long a connection to the daemon may carry nothing either way before the command gives
 * up (SHOAL_DAEMON_IDLE_SECONDS sets it).
 */
export const DAEMON_IDLE_MS = 5 * 60_000

function createDaemonClient (dir: string, url: string, token: string, idleMs: number): DaemonClient {
  async function request (method: string, path: string, options: DaemonRequest = {}): Promise<IncomingMessage> {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(url + path, {
        method,
        headers: { ...options.headers, authorization: `Bearer ${token}` },
        signal: options.signal
      })
      let answered = false
      // the daemon bounds its own work (each network wait has a deadline), so a connection
      // silent this long both ways means a daemon that is stopped or wedged
      req.setTimeout(idleMs, () => { req.destroy(new DaemonUnreachableError(dir, url, `silent for ${idleMs / 1000} s`)) })
      req.once('response', res => { answered = true; resolve(res) })
      req.once('error', err => {
        // after an early answer, the daemon closing on the rest of our upload is expected
        if (answered) return
        if (options.signal?.aborted === true) {
          const reason = options.signal.reason as Error
          reject(reason?.name === 'TimeoutError' ? new DaemonUnreachableError(dir, url, 'no answer in time') : reason)
          return
        }
        if (err instanceof DaemonUnreachableError) { reject(err); return } // our idle bound
        const code = (err as NodeJS.ErrnoException).code
        reject(new DaemonUnreachableError(dir, url, code ?? err.message))
      })
      const body = options.body
      if (body === undefined || body instanceof Uint8Array) {
        req.end(body)
      } else {
        body.once('error', err => req.destroy(err))
        body.pipe(req)
      }
    })
    const accepted = options.accept?.includes(res.statusCode ?? 0) ?? false
    if (accepted || ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300)) return res
    throw await requestError(res)
  }
  return {
    dir,
    url,
    request,
    async json<T> (method: string, path: string, options: DaemonRequest = {}): Promise<T> {
      return JSON.parse((await readBody(await request(method, path, options))).toString('utf8')) as T
    }
  }
}

async function readBody (res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = []
  try {
    for await (const part of res as AsyncIterable<Buffer>) parts.push(part)
  } catch (err) {
    throw new DaemonTransferError((err as Error).message)
  }
  return Buffer.concat(parts)
}

/** The daemon's `{ error: { code, message } }` as an error the CLI reports in one line. */
async function requestError (res: IncomingMessage): Promise<DaemonRequestError> {
  const status = res.statusCode ?? 0
  const text = (await readBody(res).catch(() => Buffer.alloc(0))).toString('utf8')
  try {
    const { error } = JSON.parse(text) as { error: { code: string, message: string } }
    if (typeof error.code === 'string' && typeof error.message === 'string') return new DaemonRequestError(status, error.code, error.message)
  } catch {}
  return new DaemonRequestError(status, 'ERR_DAEMON', `the shoal node answered HTTP ${status}`)
}

/** How long `status` and `peers` wait for the daemon's answer. */
const ANSWER_TIMEOUT_MS = 10_000

/** A signal for a short request to the daemon: its timeout, or the caller's stop. */
export function answerSignal (io: Pick<CommandIo, 'signal'>): AbortSignal {
  const timeout = AbortSignal.timeout(ANSWER_TIMEOUT_MS)
  return io.signal !== undefined ? AbortSignal.any([timeout, io.signal]) : timeout
}

/** The daemon's path for a capability URI (percent-encoded: it contains '#'). */
export function uriPath (prefix: string, uri: string): string {
  return prefix + encodeURIComponent(uri)
}
