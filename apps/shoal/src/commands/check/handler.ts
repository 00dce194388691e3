import type { TreeHealth, TreeUnitHealth } from '@shoal/client'
import type { CommonOptions } from '../../context.js'
import { println, type CommandIo } from '../../io.js'
import { checkLease, DEFAULT_LEASE_MS } from '../../lease-flag.js'
import { withUpkeep } from '../upkeep-backend.js'

export interface CheckFlags extends CommonOptions { repair?: boolean, lease?: string }

/** Something of the file or tree cannot be recovered: what, by name. */
export class UnrecoverableError extends Error {
  static readonly code = 'ERR_UNRECOVERABLE'
  readonly code = UnrecoverableError.code
  override name = 'UnrecoverableError'
  constructor (lost: TreeUnitHealth[]) {
    super(`cannot be recovered: ${lost.slice(0, 5).map(describeUnit).join('; ')}${lost.length > 5 ? `; and ${lost.length - 5} more` : ''}`)
  }
}

export async function checkHandler (uri: string, flags: CheckFlags, io: CommandIo): Promise<void> {
  const leaseMs = flags.lease === undefined ? DEFAULT_LEASE_MS : checkLease(flags.lease)
  const started = performance.now()
  const health = await withUpkeep('check', uri, flags, io, async (upkeep, signal) => await upkeep.check(uri, { repair: flags.repair === true, leaseMs, signal }))
  const seconds = (performance.now() - started) / 1000
  if (flags.json === true) println(io.stdout, JSON.stringify({ ...health, seconds }))
  else report(health, flags.repair === true, seconds, io)
  if (!health.recoverable) throw new UnrecoverableError(health.lost)
}

function report (health: TreeHealth, repaired: boolean, seconds: number, io: CommandIo): void {
  const out = (line: string): void => println(io.stdout, line)
  const stripes = health.units.filter(u => u.kind === 'stripe').length
  const chunks = health.units.length - stripes
  out(`${health.files} file${health.files === 1 ? '' : 's'}, ${health.directories} director${health.directories === 1 ? 'y' : 'ies'}: ${health.blocks} blocks in ${chunks} replicated chunks and ${stripes} stripes (${seconds.toFixed(2)} s)`)
  const fixed = health.units.filter(u => (u.repaired ?? 0) > 0)
  if (repaired) out(`repaired: ${fixed.length} (${fixed.reduce((n, u) => n + (u.repaired ?? 0), 0)} blocks put back)`)
  for (const unit of health.units.filter(u => u.live < u.target)) out(`  short: ${describeUnit(unit)}${unit.repairError !== undefined ? ` (repair failed: ${unit.repairError})` : ''}`)
  if (health.worst !== undefined) out(`worst: ${describeUnit(health.worst)}`)
  if (health.unreachable.length > 0) out(`unreachable holders: ${health.unreachable.length}`)
  out(health.short === 0 ? 'all at target' : `${health.short} below target; ${health.recoverable ? 'everything recoverable' : `${health.lost.length} NOT recoverable`}`)
}

function describeUnit (unit: TreeUnitHealth): string {
  const where = unit.path === '' ? '' : ` of ${unit.path}`
  if (unit.kind === 'stripe') {
    const missing = unit.missing !== undefined && unit.missing.length > 0 ? `, pieces ${unit.missing.join(', ')} missing` : ''
    return `stripe ${unit.index}${where}: ${unit.live}/${unit.target} pieces (needs ${unit.needed})${missing}`
  }
  return `${unit.role === 'manifest' ? 'manifest block' : 'chunk'} ${unit.index}${where} (${unit.cid ?? ''}): ${unit.live}/${unit.target} holders`
}
