// Which requests a browser may have been tricked into sending, refused before any route
// runs. DNS rebinding: a page of evil.example re-points its name at 127.0.0.1, so the
// browser deems the API same-origin and sends `Host: evil.example`; only a Host naming
// this machine is served. Cross-origin: a page elsewhere (another port of 127.0.0.1 too)
// sends its own `Origin`; only the API's own is served. Clients that are not browsers
// send the Host they dialled and no Origin, and pass.
import { isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import type { IncomingMessage } from 'node:http'
import { CrossOriginError, ForeignHostError } from './errors.js'

/** Checks both headers for an API bound to `host` (as configured) and listening on `port`. */
export type RequestOriginCheck = (req: IncomingMessage) => void

export function requestOriginCheck (host: string, port: number): RequestOriginCheck {
  const bound = canonicalIp(host)
  const unspecified = bound === '0.0.0.0' || bound === '::'
  return (req) => {
    const header = req.headers.host
    const named = header === undefined ? undefined : parseHost(header)
    if (named === undefined || named.port !== port || !servesName(named.name, bound, unspecified)) throw new ForeignHostError(header ?? '')
    const origin = req.headers.origin
    if (origin !== undefined && origin.toLowerCase() !== `http://${header as string}`.toLowerCase()) throw new CrossOriginError(origin)
  }
}

/** `name[:port]` or `[v6][:port]`, lower case, without a root dot; undefined when it is neither. */
function parseHost (header: string): { name: string, port: number } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]/@\s]+)(?::(\d{1,5}))?$/i.exec(header)
  if (match === null) return undefined
  const name = match[1].replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase()
  return { name, port: match[2] === undefined ? 80 : Number(match[2]) }
}

/**
 * `localhost`, a loopback address, or the address the API is bound to (any of this
 * machine's addresses when bound to all of them). Never another name: a name is what a
 * rebinding page controls, while an address literal names only itself.
 */
function servesName (name: string, bound: string | undefined, unspecified: boolean): boolean {
  if (name === 'localhost') return true
  const ip = canonicalIp(name)
  if (ip === undefined) return false
  if (isLoopback(ip) || ip === bound) return true
  return unspecified && Object.values(networkInterfaces()).some(list => list?.some(i => canonicalIp(i.address) === ip) === true)
}

function canonicalIp (text: string): string | undefined {
  const ip = text.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')
  if (isIP(ip) === 4) return ip
  if (isIP(ip) !== 6) return undefined
  return ip === '::1' || ip === '0:0:0:0:0:0:0:1' ? '::1' : ip === '::' || ip === '0:0:0:0:0:0:0:0' ? '::' : ip
}

function isLoopback (ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.')
}
