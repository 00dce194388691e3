// fast-check properties over what the daemon's API reads from a request (docs/fuzzing.md):
// Range headers, capabilities in paths, query parameters, JSON bodies and the directory
// listings in them. Each hostile input ends in a value or an error the API answers
// with a 4xx status and its own code, never a 500 (an untyped crash) or a hang.
import { Readable } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import fc from 'fast-check'
import { fuzzParameters, hostileText, typedOutcome, typedOutcomeAsync } from '@shoal/fuzz'
import { chunkCid, encodeManifest, formatCapability, InvalidCapabilityError, InvalidManifestError, MAX_REPLICAS } from '@shoal/manifest'
import { BadRequestError, BodyTooLargeError, errorReply, RangeNotSatisfiableError, UnsupportedMediaTypeError } from '../src/daemon/errors.js'
import { capabilityFromPath, checkName, compressParam, convergenceParam, metadataFrom, queryNumber, readJsonBody } from '../src/daemon/http.js'
import { keepParams } from '../src/daemon/keep-params.js'
import { byteRange } from '../src/daemon/range.js'
import { directoryFrom } from '../src/daemon/routes/manifests.js'
import { MAX_LEASE_MS } from '../src/lease-flag.js'

const capabilityArb = fc.record({ digest: fc.uint8Array({ minLength: 32, maxLength: 32 }), key: fc.uint8Array({ minLength: 32, maxLength: 32 }) })
  .map(({ digest, key }) => formatCapability({ cid: chunkCid(digest), key }))

/** An error the API answers as the client's mistake: 4xx, with the error's own code. */
function assertClientError (err: Error): void {
  const reply = errorReply(err)
  assert.ok(reply.status >= 400 && reply.status < 500, `${err.name}: ${err.message} answered ${reply.status}`)
  assert.is(reply.body.error.code, (err as Error & { code: string }).code)
}

test('Range: a range within the file, null (answer it whole) or RangeNotSatisfiableError', () => {
  const bound = fc.oneof(fc.nat({ max: 2000 }), fc.constant(2 ** 53), fc.constant(1e21)).map(String)
  const spec = fc.oneof(
    fc.tuple(bound, bound).map(([a, b]) => `${a}-${b}`), bound.map(a => `${a}-`), bound.map(a => `-${a}`)
  )
  const header = fc.array(spec, { minLength: 1, maxLength: 3 }).map(specs => `bytes=${specs.join(',')}`)
  fc.assert(fc.property(fc.option(hostileText(header), { nil: undefined }), fc.oneof(fc.nat({ max: 3000 }), fc.nat()), (text, size) => {
    const result = typedOutcome(() => byteRange(text, size), [RangeNotSatisfiableError.code])
    if (!result.ok) return assertClientError(result.error)
    const range = result.value
    if (range !== null) {
      assert.ok(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end), JSON.stringify(range))
      assert.ok(range.start >= 0 && range.start <= range.end && range.end < size, `${JSON.stringify(text)} of ${size}: ${JSON.stringify(range)}`)
    }
  }), fuzzParameters())
})

test('a capability in a path, percent-encoded or raw: the capability, or a 400', () => {
  const segment = capabilityArb.chain(uri => fc.constantFrom(uri, encodeURIComponent(uri)))
  fc.assert(fc.property(hostileText(segment, 300), text => {
    const result = typedOutcome(() => capabilityFromPath(text), [BadRequestError.code, InvalidCapabilityError.code])
    if (!result.ok) assertClientError(result.error)
  }), fuzzParameters())
})

test('upload query parameters: what keeps, names and stamps the upload, or a 400', () => {
  const pair = fc.oneof(
    fc.nat({ max: 80 }).map(n => `replicas=${n}`),
    fc.constantFrom('redundancy=replicate:3', 'redundancy=rs:4+2', 'redundancy=rs:200+100'),
    fc.nat({ max: MAX_LEASE_MS * 2 }).map(n => `lease=${n}`),
    fc.constantFrom('convergence=user', 'convergence=shared', 'compress=true', 'compress=false', 'name=a.txt', 'name=..', 'name=%2F', 'name=%00'),
    fc.integer().map(n => `mode=${n}`),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).map(n => `mtime=${n}`)
  )
  const query = fc.array(pair, { maxLength: 5 }).map(pairs => pairs.join('&'))
  const CODES = [BadRequestError.code]
  fc.assert(fc.property(hostileText(query, 80), text => {
    const url = new URL(`http://127.0.0.1/v1/files?${text}`)
    const result = typedOutcome(() => ({
      keep: keepParams(url, 3),
      convergence: convergenceParam(url),
      compress: compressParam(url),
      name: checkName(url.searchParams.get('name') ?? undefined, 'name'),
      meta: metadataFrom(queryNumber(url, 'mode'), queryNumber(url, 'mtime'))
    }), CODES)
    if (!result.ok) return assertClientError(result.error)
    const { keep, meta } = result.value
    assert.ok(Number.isInteger(keep.replicas) && keep.replicas >= 1 && keep.replicas <= MAX_REPLICAS)
    if (keep.leaseMs !== undefined) assert.ok(Number.isInteger(keep.leaseMs) && keep.leaseMs >= 1000 && keep.leaseMs <= MAX_LEASE_MS)
    if (meta.mode !== undefined) assert.ok(meta.mode >= 0 && meta.mode <= 0o7777)
    if (meta.mtime !== undefined) assert.ok(Number.isSafeInteger(meta.mtime))
  }), fuzzParameters())
})

test('a directory listing body: a manifest that encodes, or a 4xx', () => {
  const name = fc.oneof(fc.constantFrom('a', 'b.txt', 'ü', '..', '.', 'a/b', '', 'x\u0000y', 'CON', 'é'), fc.string({ maxLength: 6 }))
  const entry = fc.oneof(
    fc.record({ name, type: fc.constantFrom('file', 'directory'), size: fc.oneof(fc.nat(), fc.constant(-1), fc.constant(1.5)), uri: capabilityArb }),
    fc.record({ name, type: fc.constant('symlink'), target: fc.oneof(fc.constantFrom('../x', '/etc', ''), fc.string({ maxLength: 8 })) })
  )
  const body = fc.record({ name, mode: fc.integer({ min: -1, max: 0o10000 }), mtime: fc.integer(), entries: fc.array(entry, { maxLength: 5 }) }, { requiredKeys: ['entries'] })
    .map(value => JSON.stringify(value))
  const CODES = [BadRequestError.code, InvalidCapabilityError.code, InvalidManifestError.code]
  fc.assert(fc.property(fc.oneof(hostileText(body, 200), fc.jsonValue().map(value => JSON.stringify(value))), text => {
    let parsed: unknown
    try { parsed = JSON.parse(text) } catch { return } // readJsonBody's part (below)
    const result = typedOutcome(() => encodeManifest(directoryFrom(parsed)), CODES)
    if (!result.ok) assertClientError(result.error)
  }), fuzzParameters())
})

test('JSON bodies: hostile types, lengths and bytes give the value of a body within the limit, or a 4xx', async () => {
  const LIMIT = 256
  const request = fc.record({
    type: fc.option(fc.oneof(fc.constantFrom('application/json', 'Application/JSON; charset=utf-8', 'text/plain', 'application/jsonx', ''), fc.string({ maxLength: 20 })), { nil: undefined }),
    length: fc.option(fc.oneof(fc.nat({ max: 1000 }).map(String), fc.constantFrom('-1', '1e9', 'abc', '', ' 12')), { nil: undefined }),
    chunks: fc.array(fc.oneof(hostileText(fc.jsonValue().map(v => JSON.stringify(v)), 50).map(t => Buffer.from(t)), fc.uint8Array({ maxLength: 300 }).map(b => Buffer.from(b))), { maxLength: 3 })
  })
  const CODES = [BadRequestError.code, BodyTooLargeError.code, UnsupportedMediaTypeError.code]
  await fc.assert(fc.asyncProperty(request, async ({ type, length, chunks }) => {
    const req = Readable.from(chunks) as unknown as IncomingMessage
    Object.assign(req, { headers: { ...(type !== undefined ? { 'content-type': type } : {}), ...(length !== undefined ? { 'content-length': length } : {}) } })
    const result = await typedOutcomeAsync(async () => await readJsonBody(req, LIMIT), CODES)
    if (!result.ok) return assertClientError(result.error)
    assert.ok(chunks.reduce((n, chunk) => n + chunk.byteLength, 0) <= LIMIT)
  }), fuzzParameters())
})

test.run()
