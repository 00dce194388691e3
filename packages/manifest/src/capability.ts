// Read capabilities as URIs: `shoal:<manifest CID, base32>#<manifest key, base32>`.
// The key is in the fragment so that the part a URI-handling tool might send to a
// server (everything before '#') never carries it. There is exactly one spelling of
// each capability: lowercase, unpadded, no whitespace, nothing after the key.
import { CHUNK_CID_CHARS, decodeChunkCid, formatChunkCid, parseChunkCid } from './cid.js'
import { base32CharacterProblem, base32Problem, decodeBase32, encodeBase32 } from './base32.js'
import { InvalidCapabilityError, InvalidCidError } from './errors.js'
import type { Capability } from './types.js'
import { CID } from 'multiformats/cid'

const SCHEME = 'shoal:'
const KEY_BYTES = 32
const KEY_CHARS = Math.ceil(KEY_BYTES * 8 / 5)
/** The length of every capability this version writes (118). */
export const CAPABILITY_LENGTH = SCHEME.length + CHUNK_CID_CHARS + 1 + KEY_CHARS
/** Anything longer is rejected before it is looked at; leaves room for longer future CIDs. */
export const MAX_CAPABILITY_LENGTH = 256

function fail (reason: string): never {
  throw new InvalidCapabilityError(reason)
}

export function formatCapability (cap: Capability): string {
  if (typeof cap !== 'object' || cap === null) fail('expected an object with cid and key')
  const cid = CID.asCID(cap.cid)
  if (cid === null) fail('cid is not a CID')
  let text: string
  try {
    // only chunk CIDs are capabilities
    text = formatChunkCid(decodeChunkCid(cid.bytes))
  } catch (err) {
    if (err instanceof InvalidCidError) fail(`CID: ${err.reason}`)
    throw err
  }
  if (!(cap.key instanceof Uint8Array) || cap.key.length !== KEY_BYTES) fail(`key must be ${KEY_BYTES} bytes`)
  return `${SCHEME}${text}#${encodeBase32(cap.key)}`
}

export function parseCapability (uri: string): Capability {
  if (typeof uri !== 'string') fail(`expected a string, got ${uri === null ? 'null' : typeof uri}`)
  if (uri.length === 0) fail('empty string')
  if (uri.length > MAX_CAPABILITY_LENGTH) fail(`${uri.length} characters, too long (a capability is ${CAPABILITY_LENGTH})`)
  const space = uri.search(/\s/)
  if (space >= 0) fail(`contains whitespace at offset ${space}`)
  if (!uri.startsWith(SCHEME)) {
    const colon = uri.indexOf(':')
    if (colon > 0 && uri.slice(0, colon + 1).toLowerCase() === SCHEME) fail(`scheme must be lowercase '${SCHEME}'`)
    fail(colon > 0 ? `wrong scheme '${uri.slice(0, colon + 1)}' (expected '${SCHEME}')` : `missing scheme '${SCHEME}'`)
  }
  const rest = uri.slice(SCHEME.length)
  const hash = rest.indexOf('#')
  if (hash < 0) fail("missing '#' and key (truncated?)")
  if (rest.indexOf('#', hash + 1) >= 0) fail("more than one '#'")
  const cidText = rest.slice(0, hash)
  const keyText = rest.slice(hash + 1)
  if (cidText.length === 0) fail("missing CID before '#'")
  if (keyText.length === 0) fail("missing key after '#'")

  let cid: CID
  try {
    cid = parseChunkCid(cidText)
  } catch (err) {
    if (err instanceof InvalidCidError) fail(`CID: ${err.reason}`)
    throw err
  }

  const characters = base32CharacterProblem(keyText)
  if (characters !== undefined) fail(`key: bad base32: ${characters}`)
  if (keyText.length !== KEY_CHARS) {
    fail(`key is ${keyText.length} characters, expected ${KEY_CHARS} (a ${KEY_BYTES}-byte key; truncated or trailing junk?)`)
  }
  const problem = base32Problem(keyText)
  if (problem !== undefined) fail(`key: bad base32: ${problem}`)
  return { cid, key: decodeBase32(keyText) }
}
