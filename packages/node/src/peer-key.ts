// The node's identity: an Ed25519 key made on first start and kept in <dataDir>/peer-key
// (protobuf, as libp2p writes keys), so the peer ID is the same after every restart.
import { randomBytes } from 'node:crypto'
import { mkdir, open, rename } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { readSecretFile } from '@shoal/crypto'
import { InvalidPeerKeyError } from './errors.js'

export const PEER_KEY_FILE = 'peer-key'

export async function loadOrCreatePeerKey (dataDir: string): Promise<PrivateKey> {
  const path = join(dataDir, PEER_KEY_FILE)
  // refused when others may read it (ExposedSecretFileError): anyone who has read it can be this node
  const bytes = await readSecretFile(path)
  if (bytes !== undefined) {
    try {
      return privateKeyFromProtobuf(bytes)
    } catch {
      throw new InvalidPeerKeyError(path)
    }
  }
  const key = await generateKeyPair('Ed25519')
  await writeDurably(path, privateKeyToProtobuf(key))
  return key
}

// temp file (0600) + fsync + rename + directory fsync: a crash leaves the old state or the
// whole key, never a half key that would make the next start refuse to run.
async function writeDurably (path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path)
  await mkdir(dir, { recursive: true })
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const file = await open(temp, 'wx', 0o600)
  try {
    await file.writeFile(bytes)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temp, path)
  if (process.platform !== 'win32') {
    const handle = await open(dir, 'r')
    try { await handle.sync() } finally { await handle.close() }
  }
}
