// The churn model: vaults alternate sessions and downtimes (a PC switched off keeps its
// disk and comes back), leave for good at a rate (their chunks go with them), new vaults
// join at a rate, and now and then a fraction of the vaults go down at once (a power cut,
// an ISP outage). Every draw comes from the simulation's one seeded Random; every change
// is a timer on its virtual clock.
import type { MemoryNetwork, MemoryNode } from '@shoal/node/memory'
import type { Clock, Random } from '@shoal/runtime'
import { draw, type Distribution } from './distributions.js'

export const HOUR = 3600_000
export const DAY = 24 * HOUR

export interface ChurnModel {
  /** how long a vault stays up, hours (none: vaults never go down on their own) */
  session?: Distribution
  /** how long a vault that went down stays down, hours */
  downtime?: Distribution
  /** fraction of the vaults leaving for good per day (each vault's lifetime is exponential) */
  departuresPerDay: number
  /** new vaults per day, as a fraction of the starting count (default: departuresPerDay, a steady size) */
  arrivalsPerDay?: number
  /** every `everyDays`, `fraction` of the vaults up go down together for `downHours` */
  correlated?: { everyDays: number, fraction: number, downHours: number }
}

export const CHURN_PRESETS: Record<string, ChurnModel> = {
  none: { departuresPerDay: 0 },
  /** always-on machines: week-long sessions, short reboots, 0.5% gone for good a day */
  stable: {
    session: { kind: 'weibull', shape: 0.8, mean: 7 * 24 },
    downtime: { kind: 'exponential', mean: 1 },
    departuresPerDay: 0.005
  },
  /** home PCs: half-day sessions (long tail), 4 h off, 1% gone a day, 5% down together weekly */
  home: {
    session: { kind: 'weibull', shape: 0.6, mean: 12 },
    downtime: { kind: 'exponential', mean: 4 },
    departuresPerDay: 0.01,
    correlated: { everyDays: 7, fraction: 0.05, downHours: 6 }
  },
  /** a network in trouble: 4 h sessions, 8 h off, 5% gone a day, 20% down together every 3 days */
  harsh: {
    session: { kind: 'weibull', shape: 0.6, mean: 4 },
    downtime: { kind: 'exponential', mean: 8 },
    departuresPerDay: 0.05,
    correlated: { everyDays: 3, fraction: 0.2, downHours: 12 }
  }
}

export interface ChurnCounts { downs: number, departures: number, arrivals: number, correlated: number }

export interface ChurnInit {
  model: ChurnModel
  net: MemoryNetwork
  clock: Clock
  random: Random
  /** adds a vault (the simulation gives it its link) */
  addVault: () => Promise<MemoryNode>
  /** a vault leaves for good, now (before its chunks are counted gone) */
  onDepart?: (vault: MemoryNode) => void
}

export interface Churn {
  /** Starts churning these vaults (and those that join later). */
  start: (vaults: MemoryNode[]) => void
  readonly counts: ChurnCounts
  /** left for good: its chunks are gone */
  hasLeft: (vault: MemoryNode) => boolean
}

export function createChurn (init: ChurnInit): Churn {
  const { model, clock, random } = init
  const counts: ChurnCounts = { downs: 0, departures: 0, arrivals: 0, correlated: 0 }
  // a vault's pending session change is for the generation it was drawn in: a correlated
  // failure starts a new one, so the old timer finds itself stale and does nothing
  const generation = new Map<MemoryNode, number>()
  const gone = new Set<MemoryNode>()
  const hours = (d: Distribution): number => draw(random, d) * HOUR

  const bump = (vault: MemoryNode): number => {
    const next = (generation.get(vault) ?? 0) + 1
    generation.set(vault, next)
    return next
  }
  const current = (vault: MemoryNode, gen: number): boolean => !gone.has(vault) && generation.get(vault) === gen

  function upFor (vault: MemoryNode): void {
    if (model.session === undefined) return
    const gen = bump(vault)
    clock.after(hours(model.session), () => {
      if (!current(vault, gen)) return
      vault.kill({ silent: true })
      counts.downs++
      downFor(vault, hours(model.downtime ?? { kind: 'fixed', value: 0 }))
    })
  }

  function downFor (vault: MemoryNode, ms: number): void {
    const gen = bump(vault)
    clock.after(ms, () => {
      if (!current(vault, gen)) return
      vault.revive()
      upFor(vault)
    })
  }

  function track (vault: MemoryNode): void {
    upFor(vault)
    if (model.departuresPerDay > 0) {
      clock.after(-Math.log(1 - random.float()) / model.departuresPerDay * DAY, () => {
        if (gone.has(vault)) return
        gone.add(vault)
        init.onDepart?.(vault)
        vault.leave()
        counts.departures++
      })
    }
  }

  return {
    counts,
    hasLeft: vault => gone.has(vault),
    start (vaults) {
      for (const vault of vaults) track(vault)
      const perDay = (model.arrivalsPerDay ?? model.departuresPerDay) * vaults.length
      const arrive = (): void => {
        clock.after(-Math.log(1 - random.float()) / perDay * DAY, () => {
          counts.arrivals++
          void init.addVault().then(track)
          arrive()
        })
      }
      if (perDay > 0) arrive()
      const correlated = model.correlated
      if (correlated !== undefined && correlated.fraction > 0) {
        clock.every(correlated.everyDays * DAY, () => {
          const up = init.net.nodes.filter(n => n.up && n.store !== null)
          const hit = Math.round(up.length * correlated.fraction)
          for (let i = 0; i < hit; i++) {
            const [vault] = up.splice(random.int(up.length), 1)
            vault.kill({ silent: true })
            downFor(vault, correlated.downHours * HOUR)
          }
          counts.correlated++
        })
      }
    }
  }
}
