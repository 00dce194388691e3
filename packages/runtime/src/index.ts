/**
 * @shoal/runtime — the time and randomness Shoal's logic runs on: real ones by default,
 * a virtual clock and a seeded random stream for deterministic tests and simulation.
 */
export { systemClock, timeoutError, type Clock, type Cancel } from './clock.js'
export { createVirtualClock, StalledRunError, RunLimitError, type VirtualClock, type RunOptions } from './virtual-clock.js'
export { systemRandom, seededRandom, type Random } from './random.js'
