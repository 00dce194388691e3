#!/usr/bin/env node
// Throughput of the chunk hot path, in MB/s (10^6 bytes/s). Not a test: numbers on
// a shared machine are noisy, so it prints the median and the best of several rounds.
// Usage: npx tsc -b packages/crypto && node packages/crypto/bench/throughput.mjs [rounds]
import { createCipheriv, createHash, randomFillSync } from 'node:crypto'
import { nobleCipher, nodeCipher, sha256 } from '../dist/src/index.js'

const ROUNDS = Number(process.argv[2] ?? 5)
const COUNT = 64
const TAG = 16
const key = randomFillSync(new Uint8Array(32))
const zeroNonce = new Uint8Array(12)

// For comparison: what the slicing and fusing avoid.
function oneShotEncrypt (plaintext) {
  const cipher = createCipheriv('chacha20-poly1305', key, zeroNonce, { authTagLength: TAG })
  const ct = cipher.update(plaintext)
  cipher.final()
  const sealed = new Uint8Array(plaintext.byteLength + TAG)
  sealed.set(ct)
  sealed.set(cipher.getAuthTag(), plaintext.byteLength)
  return sealed
}

/**
 * Runs every case once per round, round-robin, so that load from other processes on a
 * shared machine spreads over all of them alike; reports median and best, and the
 * median as a fraction of raw SHA-256 in the same run (the targets in bench/README.md
 * are fractions of it).
 */
function runRounds (cases, bytes) {
  const rates = cases.map(() => [])
  for (const c of cases) c.run() // warm up
  for (let r = 0; r < ROUNDS; r++) {
    cases.forEach((c, i) => {
      if (r >= (c.rounds ?? ROUNDS)) return
      const start = process.hrtime.bigint()
      c.run()
      rates[i].push((c.bytes ?? bytes) / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6)
    })
  }
  const medians = rates.map(list => list.sort((a, b) => a - b)[Math.floor(list.length / 2)])
  cases.forEach((c, i) => {
    const ratio = (medians[i] / medians[0]).toFixed(2)
    console.log(`  ${c.label.padEnd(44)} ${medians[i].toFixed(0).padStart(6)} MB/s median ${rates[i].at(-1).toFixed(0).padStart(6)} best  ${ratio.padStart(5)}x sha256`)
  })
}

console.log(`node ${process.version}, ${COUNT} distinct inputs per round, ${ROUNDS} rounds`)
for (const size of [1 << 20, 4 << 20]) {
  const inputs = Array.from({ length: COUNT }, () => randomFillSync(new Uint8Array(size)))
  const outs = inputs.map(p => new Uint8Array(p.byteLength + TAG).fill(1))
  const plainOuts = inputs.map(p => new Uint8Array(p.byteLength).fill(1))
  const sealedInputs = inputs.map(p => nodeCipher.encrypt(key, p))
  const bytes = COUNT * size
  console.log(`\n${COUNT} × ${size >> 20} MiB`)
  const few = inputs.slice(0, 8) // noble is slow: fewer bytes, fewer rounds
  runRounds([
    { label: 'sha256 (node:crypto, raw)', run: () => { for (const p of inputs) sha256(p) } },
    { label: 'nodeCipher.encrypt', run: () => { for (const p of inputs) nodeCipher.encrypt(key, p) } },
    { label: 'nodeCipher.encrypt into out', run: () => { inputs.forEach((p, i) => nodeCipher.encrypt(key, p, outs[i])) } },
    { label: 'nodeCipher.encryptAndDigest', run: () => { for (const p of inputs) nodeCipher.encryptAndDigest(key, p) } },
    { label: 'nodeCipher.encryptAndDigest into out', run: () => { inputs.forEach((p, i) => nodeCipher.encryptAndDigest(key, p, outs[i])) } },
    { label: 'nodeCipher.decrypt', run: () => { for (const s of sealedInputs) nodeCipher.decrypt(key, s) } },
    { label: 'nodeCipher.decrypt into out', run: () => { sealedInputs.forEach((s, i) => nodeCipher.decrypt(key, s, plainOuts[i])) } },
    { label: 'baseline: one-shot update() encrypt', run: () => { for (const p of inputs) oneShotEncrypt(p) } },
    { label: 'baseline: encrypt, then sha256 separately', run: () => { for (const p of inputs) createHash('sha256').update(nodeCipher.encrypt(key, p)).digest() } },
    { label: 'nobleCipher.encrypt into out', run: () => { few.forEach((p, i) => nobleCipher.encrypt(key, p, outs[i])) }, bytes: few.length * size, rounds: 2 }
  ], bytes)
}
