import { isIP } from 'node:net'
import { UsageError } from '../errors.js'

/**
 * `--api HOST:PORT`: an IPv4 address, `[IPv6]` or `localhost`, and a port (0 = any free
 * one). Names other than localhost are refused: binding the API is a security decision,
 * so the address should be the one the user meant, not whatever a resolver says.
 */
export function parseApiAddress (value: string, flag = '--api'): { host: string, port: number } {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(value)
  const host = match?.[1].replace(/^\[(.*)\]$/, '$1') ?? ''
  const port = Number(match?.[2])
  const hostOk = match !== null && (host === 'localhost' || isIP(host) === 4 || (isIP(host) === 6 && match[1].startsWith('[')))
  if (!hostOk || !(port >= 0 && port <= 65535)) throw new UsageError(`${flag}: '${value}' is not an address like 127.0.0.1:5001 (or [::1]:5001)`)
  return { host, port }
}
