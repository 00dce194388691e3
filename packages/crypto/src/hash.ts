import { createHash, createHmac } from 'node:crypto'
import { assertBytes } from './validate.js'

/** SHA-256 (node:crypto). Returns a plain Uint8Array, never a pooled Buffer view. */
export function sha256 (data: Uint8Array): Uint8Array {
  assertBytes(data, 'data')
  return new Uint8Array(createHash('sha256').update(data).digest())
}

/** HMAC-SHA256 (node:crypto), the primitive under convergentKey. Internal. */
export function hmacSha256 (key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest())
}
