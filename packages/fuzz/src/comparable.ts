// Decoders hand back Buffer views, CID objects and copies where the encoder was given
// plain Uint8Arrays; this form of a value lets deep equality compare what they mean.

/**
 * CIDs as `cid:<text>` (a CID is the object whose `asCID` is itself), bytes as
 * `hex:<hex>`, undefined fields dropped, everything else as it is.
 */
export function comparable (value: unknown): unknown {
  if (value instanceof Uint8Array) return `hex:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`
  if (Array.isArray(value)) return value.map(comparable)
  if (typeof value === 'object' && value !== null) {
    if ((value as { asCID?: unknown }).asCID === value) return `cid:${String(value)}`
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, comparable(v)]))
  }
  return value
}
