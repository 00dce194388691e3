// POST /v1/files (raw bytes in, capability out) and GET /v1/files/<uri> (plaintext out,
// with Range). Both stream: neither side ever holds a whole file.
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { putStream, readContent, readManifest, WrongTypeError } from '@shoal/client'
import type { ChunkRef } from '@shoal/manifest'
import { createNetworkSink, createNetworkSource } from '@shoal/node'
import { UnsupportedMediaTypeError } from '../errors.js'
import { capabilityFromPath, checkName, compressParam, convergenceParam, metadataFrom, queryNumber, sendJson } from '../http.js'
import { keepParams } from '../keep-params.js'
import { byteRange } from '../range.js'
import type { ApiContext, ApiRequest, Route } from '../server.js'

export const fileRoutes: Route[] = [
  { method: 'POST', path: '/v1/files', handle: postFile },
  { method: 'GET', path: '/v1/files/', head: true, handle: getFile }
]

async function postFile (context: ApiContext, { req, res, url, signal }: ApiRequest): Promise<void> {
  const started = performance.now()
  const type = req.headers['content-type']
  // The body is the file, whatever it says it is (curl --data-binary says
  // application/x-www-form-urlencoded); only multipart would store its framing as the file.
  if (type !== undefined && /^\s*multipart\//i.test(type)) {
    throw new UnsupportedMediaTypeError(type, 'the file\'s raw bytes (e.g. curl --data-binary @FILE)')
  }
  const name = checkName(url.searchParams.get('name') ?? undefined, 'name')
  const meta = metadataFrom(queryNumber(url, 'mode'), queryNumber(url, 'mtime'))
  const { replicas, redundancy, leaseMs } = keepParams(url, context.replicas)
  const { sealer, convergenceSecret } = context.sealer(convergenceParam(url), compressParam(url))
  const declared = Number(req.headers['content-length'])
  const sink = createNetworkSink(context.node, { replicas, signal, network: await context.network(signal), ...(leaseMs !== undefined ? { leaseMs } : {}) })
  const result = await putStream(counted(req, context), sink, {
    sealer,
    convergenceSecret,
    replicas,
    ...(redundancy !== undefined ? { redundancy } : {}),
    signal,
    ...(name !== undefined ? { name } : {}),
    ...meta,
    ...(Number.isSafeInteger(declared) ? { size: declared } : {})
  })
  await context.uploaded(result.uri, leaseMs)
  context.transfers.record({ direction: 'put', name: name ?? null, bytes: result.size, ms: performance.now() - started })
  sendJson(res, 201, { uri: result.uri, size: result.size, chunks: result.chunks, newChunks: result.newChunks, storedBytes: result.storedBytes })
}

/**
 * The body, counted. Not destroyed when the put stops early (a refusal): the connection
 * must stay up to carry the error answer.
 */
async function * counted (req: IncomingMessage, context: ApiContext): AsyncGenerator<Uint8Array> {
  for await (const part of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    context.metrics.bytes.inc({ direction: 'in' }, part.byteLength)
    yield part
  }
}

/**
 * One `Range` (bytes=a-b, a-, -n) is answered with 206 and only the chunks that overlap
 * it are fetched; any other Range header as byteRange says (the whole file, or 416).
 */
export async function getFile (context: ApiContext, { req, res, rest, signal }: ApiRequest): Promise<void> {
  const started = performance.now()
  const capability = capabilityFromPath(rest)
  const source = createNetworkSource(context.node, { signal, network: await context.network(signal) })
  const manifest = await readManifest(capability, source, { signal })
  if (manifest.type !== 'file') throw new WrongTypeError(`the URI names a ${manifest.type}, not a file (list it with GET /v1/manifests/<uri>)`)
  const size = manifest.size
  let start = 0
  let end = size - 1 // inclusive, as in Content-Range
  let status = 200
  const range = byteRange(req.headers.range, size)
  if (range !== null) {
    start = range.start
    end = range.end
    status = 206
  }
  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'content-length': end - start + 1,
    'accept-ranges': 'bytes',
    // a capability names immutable content: its manifest CID is a perfect validator
    etag: `"${capability.cid.toString()}"`,
    'cache-control': 'private, immutable'
  }
  if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${size}`
  // what the uploader recorded, so a client can restore it (Last-Modified for any client,
  // to the second; ours read the exact values)
  if (manifest.mtime !== undefined) {
    const when = new Date(manifest.mtime)
    if (!Number.isNaN(when.getTime())) headers['last-modified'] = when.toUTCString()
    headers['x-shoal-mtime'] = manifest.mtime
  }
  if (manifest.mode !== undefined) headers['x-shoal-mode'] = manifest.mode
  const record = (): void => { context.transfers.record({ direction: 'get', name: manifest.name ?? null, bytes: end - start + 1, ms: performance.now() - started }) }
  if (req.method === 'HEAD' || size === 0) {
    res.writeHead(status, headers)
    res.end()
    if (req.method !== 'HEAD') record()
    return
  }
  const { refs, skip, first } = overlapping(manifest.chunks, start, end)
  // the file and where the range starts in it: an erasure-coded file's lost chunks are rebuilt from their stripes
  const body = slice(readContent(refs, source, { signal, file: { manifest, first } }), skip, end - start + 1)
  try {
    // the first bytes are fetched before the status is sent, so that a missing first
    // chunk is still a proper 404 rather than a cut connection
    let next = await body.next()
    res.writeHead(status, headers)
    while (next.done !== true) {
      context.metrics.bytes.inc({ direction: 'out' }, next.value.byteLength)
      if (!res.write(next.value)) await once(res, 'drain', { signal })
      next = await body.next()
    }
    res.end()
    record()
  } finally {
    await body.return(undefined)
  }
}

/** The chunks holding bytes start..end (inclusive), the index of the first in the file, and how many bytes of it to skip. */
function overlapping (chunks: ChunkRef[], start: number, end: number): { refs: ChunkRef[], skip: number, first: number } {
  const refs: ChunkRef[] = []
  let skip = 0
  let first = 0
  let offset = 0 // a chunk's offset is the sum of the plaintext sizes before it
  for (const [index, ref] of chunks.entries()) {
    if (offset > end) break
    if (offset + ref.size > start) {
      if (refs.length === 0) {
        skip = start - offset
        first = index
      }
      refs.push(ref)
    }
    offset += ref.size
  }
  return { refs, skip, first }
}

/** Drops `skip` bytes, then passes on `length` bytes and stops. */
async function * slice (parts: AsyncGenerator<Uint8Array>, skip: number, length: number): AsyncGenerator<Uint8Array> {
  try {
    for await (let part of parts) {
      if (skip > 0) {
        const dropped = Math.min(skip, part.byteLength)
        part = part.subarray(dropped)
        skip -= dropped
      }
      if (part.byteLength > length) part = part.subarray(0, length)
      length -= part.byteLength
      if (part.byteLength > 0) yield part
      if (length === 0) return
    }
  } finally {
    await parts.return(undefined)
  }
}
