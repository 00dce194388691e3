// The chunk-protocol requests a vault answers, by type and result, fed by @shoal/node's
// onRequest observer: one latency histogram (its _count is the request count) and the
// chunk bytes each type takes in and sends out.
import { Counter, Histogram, type Registry } from 'prom-client'
import type { RequestObserver } from '@shoal/node'

/** From a HAS answered from memory (well under a millisecond) to a 4 MiB PUT on a slow disk. */
const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function chunkRequestMetrics (registry: Registry): RequestObserver {
  const duration = new Histogram({
    name: 'shoal_chunk_request_duration_seconds',
    help: 'chunk-protocol requests this vault answered (put, get, has, audit, renew, drop), by result (ok or the wire error code), and how long each took to answer',
    labelNames: ['type', 'result'],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry]
  })
  const bytes = new Counter({
    name: 'shoal_chunk_request_bytes_total',
    help: 'chunk bytes in requests this vault answered (in: chunks PUT to it, out: chunks it sent for GETs)',
    labelNames: ['type', 'direction'],
    registers: [registry]
  })
  return ({ type, result, ms, bytesIn, bytesOut }) => {
    duration.observe({ type, result }, ms / 1000)
    if (bytesIn > 0) bytes.inc({ type, direction: 'in' }, bytesIn)
    if (bytesOut > 0) bytes.inc({ type, direction: 'out' }, bytesOut)
  }
}
