// The messages of /shoal/punch/1.0.0 (hole-punch.ts, docs/nat.md): length-prefixed JSON,
// small and checked field by field, as the dial-back's are. A CONNECT says where its sender
// will dial from: its public IPv4 address (what peers see its connections come from) and
// the local port it picked, which a port-preserving NAT keeps.
import { isIPv4 } from 'node:net'

export const PUNCH_PROTOCOL = '/shoal/punch/1.0.0'

/** No message of the protocol is longer. */
export const MAX_PUNCH_MESSAGE_BYTES = 256

export type PunchMessage =
  | { type: 'connect', ip: string, port: number }
  | { type: 'sync' }
  /** the responder will not punch (busy, or does not know its public address) */
  | { type: 'refuse', reason: string }

/** A punch message that is not one: bad JSON, an unknown type, a field out of range. */
export class PunchMessageError extends Error {
  static readonly code = 'ERR_PUNCH_MESSAGE'
  readonly code = PunchMessageError.code
  override name = 'PunchMessageError'
}

const MAX_REASON_CHARS = 160

export function encodePunchMessage (message: PunchMessage): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(message))
  if (bytes.byteLength > MAX_PUNCH_MESSAGE_BYTES) throw new PunchMessageError(`message of ${bytes.byteLength} bytes, over ${MAX_PUNCH_MESSAGE_BYTES}`)
  return bytes
}

export function decodePunchMessage (bytes: Uint8Array): PunchMessage {
  if (bytes.byteLength > MAX_PUNCH_MESSAGE_BYTES) throw new PunchMessageError(`message of ${bytes.byteLength} bytes, over ${MAX_PUNCH_MESSAGE_BYTES}`)
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new PunchMessageError(`not JSON: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null) throw new PunchMessageError('not an object')
  const m = value as Record<string, unknown>
  switch (m.type) {
    case 'connect':
      if (typeof m.ip !== 'string' || !isIPv4(m.ip)) throw new PunchMessageError('connect: ip is not an IPv4 address')
      if (typeof m.port !== 'number' || !Number.isInteger(m.port) || m.port < 1 || m.port > 65535) throw new PunchMessageError('connect: port is not a TCP port')
      return { type: 'connect', ip: m.ip, port: m.port }
    case 'sync':
      return { type: 'sync' }
    case 'refuse':
      return { type: 'refuse', reason: typeof m.reason === 'string' ? m.reason.slice(0, MAX_REASON_CHARS) : 'no reason given' }
    default:
      throw new PunchMessageError(`unknown message type ${JSON.stringify(m.type)?.slice(0, 40)}`)
  }
}
