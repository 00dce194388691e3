// One iterative lookup as kad-dht 16 runs it (query/manager.js, query-path.js,
// peer-routing getClosestPeers), played out on its own small event queue at the moment it
// starts, so it costs the simulation one clock sleep however many messages it sends:
//  - the k closest peers of the asker's table, shuffled, are dealt over `paths` disjoint
//    paths; each path asks up to `alpha` peers at once, closest first;
//  - an answer lists the k closest peers of the answerer's table; one not yet seen by any
//    path is queued if it is strictly closer than the answerer and could still enter the
//    path's k closest answerers (checked again when its turn comes);
//  - a path ends when nothing of it is queued or running; the lookup when every path has;
//    it answers the k closest peers that answered.
// A message to a peer that is down or gone waits out the DHT's request timeout.
import type { Random } from '@shoal/runtime'
import { compareTo, type KadPoint, type RoutingTable } from './kademlia-table.js'

export interface WalkWorld<P extends KadPoint> {
  /** the table a peer answers from (null: it keeps none) */
  tableOf: (peer: P) => RoutingTable<P> | null
  /** whether a message to the peer is answered */
  answers: (peer: P) => boolean
  /** a request and its answer between two peers, ms */
  roundTripMs: (from: P, to: P) => number
  /** what a message to a peer that does not answer costs, ms */
  deadPeerMs: number
  k: number
  alpha: number
  paths: number
  random: Random
}

export interface WalkResult<P> {
  /** the k closest peers that answered, closest first */
  closest: P[]
  /** rounds: the longest chain of messages, each sent on the answer of the one before */
  hops: number
  /** FIND_NODE requests sent */
  messages: number
  /** from the first request to the last answer or timeout, ms */
  ms: number
  answered: P[]
  silent: P[]
}

/** The closest `capacity` points to a target, closest first. */
class DistanceList<P extends KadPoint> {
  readonly items: P[] = []
  constructor (private readonly target: KadPoint, private readonly capacity: number) {}

  canAdd (peer: P): boolean {
    return this.items.length < this.capacity || compareTo(this.target, peer, this.items[this.items.length - 1]) < 0
  }

  add (peer: P): void {
    if (!this.canAdd(peer) || this.items.includes(peer)) return
    let at = this.items.length
    while (at > 0 && compareTo(this.target, peer, this.items[at - 1]) < 0) at--
    this.items.splice(at, 0, peer)
    if (this.items.length > this.capacity) this.items.pop()
  }
}

interface Job<P> { peer: P, depth: number }
interface Path<P extends KadPoint> { queue: Array<Job<P>>, running: number, closest: DistanceList<P> }
interface Reply<P extends KadPoint> { at: number, path: Path<P>, job: Job<P>, ok: boolean }

export function walk<P extends KadPoint> (world: WalkWorld<P>, asker: RoutingTable<P>, target: KadPoint): WalkResult<P> {
  const { k, alpha, random } = world
  const self = asker.self
  const result: WalkResult<P> = { closest: [], hops: 0, messages: 0, ms: 0, answered: [], silent: [] }
  const start = asker.closest(target, k)
  if (start.length === 0) return result
  for (let i = start.length - 1; i > 0; i--) {
    const j = random.int(i + 1)
    const swap = start[i]
    start[i] = start[j]
    start[j] = swap
  }
  const paths: Array<Path<P>> = Array.from({ length: Math.min(world.paths, start.length) }, () => ({ queue: [], running: 0, closest: new DistanceList<P>(target, k) }))
  const seen = new Set<P>([self, ...start])
  const final = new DistanceList<P>(target, k)
  const inFlight: Array<Reply<P>> = []
  let now = 0

  const enqueue = (path: Path<P>, job: Job<P>): void => {
    let at = path.queue.length
    while (at > 0 && compareTo(target, job.peer, path.queue[at - 1].peer) < 0) at--
    path.queue.splice(at, 0, job)
  }
  const pump = (path: Path<P>): void => {
    while (path.running < alpha && path.queue.length > 0) {
      const job = path.queue.shift() as Job<P>
      if (!path.closest.canAdd(job.peer)) continue
      const ok = world.answers(job.peer)
      result.messages++
      path.running++
      inFlight.push({ at: now + (ok ? world.roundTripMs(self, job.peer) : world.deadPeerMs), path, job, ok })
    }
  }

  start.forEach((peer, i) => { enqueue(paths[i % paths.length], { peer, depth: 1 }) })
  for (const path of paths) pump(path)
  while (inFlight.length > 0) {
    // the earliest reply; of equal ones the first sent, so a seed gives one order
    let next = 0
    for (let i = 1; i < inFlight.length; i++) if (inFlight[i].at < inFlight[next].at) next = i
    const { at, path, job, ok } = inFlight.splice(next, 1)[0]
    now = at
    path.running--
    if (ok) {
      result.answered.push(job.peer)
      result.hops = Math.max(result.hops, job.depth)
      path.closest.add(job.peer)
      final.add(job.peer)
      for (const closer of world.tableOf(job.peer)?.closest(target, k, self) ?? []) {
        if (seen.has(closer) || compareTo(target, closer, job.peer) >= 0 || !path.closest.canAdd(closer)) continue
        seen.add(closer)
        enqueue(path, { peer: closer, depth: job.depth + 1 })
      }
    } else {
      result.silent.push(job.peer)
    }
    pump(path)
  }
  result.closest = final.items
  result.ms = now
  return result
}
