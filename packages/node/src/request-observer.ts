// The seam through which a vault's owner counts the chunk-protocol requests it serves
// (the daemon turns them into Prometheus metrics) without this package knowing how.
import type { Request, Response } from '@shoal/protocol'

/** One request a vault answered. */
export interface RequestObservation {
  type: Request['type']
  /** 'ok', or the wire error code it was refused with, lower case ('not_found', 'rate_limited', …) */
  result: string
  /** from the request's arrival at the handler to its answer being ready */
  ms: number
  /** chunk bytes taken in (a PUT's chunk) */
  bytesIn: number
  /** chunk bytes sent out (a GET's chunk) */
  bytesOut: number
}

/** Told of every request a vault answers; it must not throw (a throw is swallowed) and should be quick. */
export type RequestObserver = (observation: RequestObservation) => void

export function observationOf (request: Request, response: Response, ms: number): RequestObservation {
  return {
    type: request.type,
    result: response.type === 'err' ? response.code.toLowerCase() : 'ok',
    ms,
    bytesIn: request.type === 'put' ? request.bytes.byteLength : 0,
    bytesOut: response.type === 'data' ? response.bytes.byteLength : 0
  }
}

/** Calls `observer` (if any), never letting it break the answer. */
export function tell (observer: RequestObserver | undefined, request: Request, response: Response, ms: number): void {
  if (observer === undefined) return
  try {
    observer(observationOf(request, response, ms))
  } catch {}
}
