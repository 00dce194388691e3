// Reads a V8 .cpuprofile (from `node --cpu-prof`) and prints where the self time went:
// by function and by module (package, node internals, V8's own buckets such as GC).
import { readFileSync } from 'node:fs'

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number, children?: number[] }
interface CpuProfile { nodes: ProfileNode[], startTime: number, endTime: number, samples?: number[], timeDeltas?: number[] }

export interface SelfTime { name: string, ms: number }
export interface ProfileSummary {
  totalMs: number
  functions: SelfTime[]
  modules: SelfTime[]
  /** for each function, its self time split by who called it (two frames up) */
  callers: Map<string, SelfTime[]>
}

/** Which module a frame belongs to: `@shoal/x`, an npm package, `node:internal`, or V8's bucket. */
export function moduleOf (url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  const pkg = /\/packages\/([^/]+)\//.exec(url) ?? /\/apps\/([^/]+)\//.exec(url)
  const nm = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (nm != null) return nm[1]
  if (pkg != null) return `@shoal/${pkg[1]}`
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal/' + url.split('/')[1] : url
  return url.replace(/^file:\/\/.*\//, '')
}

export function summarize (path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map(n => [n.id, n]))
  const self = new Map<number, number>() // node id -> µs
  if (profile.samples !== undefined && profile.timeDeltas !== undefined) {
    // each delta is the time since the previous sample; charge it to this sample's frame
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0)))
  } else {
    const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0))
    for (const n of profile.nodes) self.set(n.id, (n.hitCount ?? 0) * interval)
  }
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const frameName = (node: ProfileNode | undefined): string => {
    if (node === undefined) return '(root)'
    const { functionName, url, lineNumber } = node.callFrame
    const file = url === '' ? '' : ` ${url.replace(/^file:\/\/.*\/(node_modules|packages|apps)\//, '$1/')}:${lineNumber + 1}`
    return `${functionName === '' ? '(anonymous)' : functionName}${file}`
  }
  const callers = new Map<string, Map<string, number>>()
  const functions = new Map<string, number>()
  const modules = new Map<string, number>()
  let total = 0
  for (const [id, us] of self) {
    const node = byId.get(id)
    if (node === undefined) continue
    const { functionName, url } = node.callFrame
    const name = frameName(node)
    functions.set(name, (functions.get(name) ?? 0) + us)
    const up = byId.get(parent.get(id) ?? -1)
    const chain = `${frameName(up)} <- ${frameName(byId.get(parent.get(up?.id ?? -1) ?? -1))}`
    const byCaller = callers.get(name) ?? new Map<string, number>()
    byCaller.set(chain, (byCaller.get(chain) ?? 0) + us)
    callers.set(name, byCaller)
    const mod = moduleOf(url, functionName)
    modules.set(mod, (modules.get(mod) ?? 0) + us)
    total += us
  }
  const sorted = (m: Map<string, number>): SelfTime[] => [...m].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms)
  return { totalMs: total / 1000, functions: sorted(functions), modules: sorted(modules), callers: new Map([...callers].map(([f, m]) => [f, sorted(m)])) }
}

/** Prints the busy (non-idle) self time of one thread's profile; quiet for a thread that hardly worked. */
export function printSummary (title: string, summary: ProfileSummary, top = 12): void {
  const idle = summary.modules.find(m => m.name === '(idle)')?.ms ?? 0
  const busy = summary.totalMs - idle
  if (busy < 200) return
  const pct = (ms: number): string => `${(100 * ms / busy).toFixed(1).padStart(5)} %`
  console.log(`\n${title}: busy ${(busy / 1000).toFixed(2)} s of ${(summary.totalMs / 1000).toFixed(2)} s sampled`)
  console.log('  self time by module (% of busy):')
  for (const m of summary.modules.filter(m => m.name !== '(idle)').slice(0, 8)) console.log(`    ${pct(m.ms)} ${m.ms.toFixed(0).padStart(7)} ms  ${m.name}`)
  console.log('  self time by function:')
  const shown = summary.functions.filter(f => f.name !== '(idle)').slice(0, top)
  for (const f of shown) console.log(`    ${pct(f.ms)} ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`)
  // a native frame's name says little (writeBuffer: a socket or a file?); its callers say more
  console.log('  called from (top 4 functions, caller <- its caller):')
  for (const f of shown.filter(f => !f.name.startsWith('(')).slice(0, 4)) {
    console.log(`    ${f.name}:`)
    for (const c of summary.callers.get(f.name)?.slice(0, 3) ?? []) console.log(`      ${pct(c.ms)} ${c.name}`)
  }
}
