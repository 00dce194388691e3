// The testnet's prompt: one command a line on stdin, so a person (or a test) can try
// churn by hand. Each answer is text, or one JSON line with --json.
import type { NetnsLab } from '../../netns/lab.js'
import type { Testnet, TestnetNode } from '../../testnet.js'

export const PROMPT_HELP = [
  'status            every node: state, pid, address, API',
  'stop N            stop node N cleanly (it hands its chunks off first, up to 8 s)',
  'kill N            kill -9 node N, as a crash',
  'start N           start a stopped node again from its data dir (same peer ID, same ports when free)',
  'restart N         stop node N at once and start it again',
  'add               start one more node',
  'cut 0-3 4-7       (--netns) cut the network between these groups of nodes; heal: join them again',
  'quit              stop every node and end (as Ctrl-C)'
]

export interface PromptContext {
  net: Testnet
  lab?: NetnsLab
}

/** What a line asked for: a reply (lines of text, or an object for --json), or the end. */
export type PromptResult = { quit: true } | { quit?: false, text: string[], json: unknown }

/** A line the prompt does not understand, or a command it cannot do now. */
export class PromptError extends Error {
  static readonly code = 'ERR_PROMPT'
  readonly code = PromptError.code
  override name = 'PromptError'
}

export function describeNode (node: TestnetNode): { index: number, state: string, pid: number | null, peerId: string, address: string, api: string, dataDir: string, exit?: string } {
  const exit = node.lastExit === undefined || node.state === 'running' ? undefined : node.lastExit.signal ?? `code ${node.lastExit.code}`
  return { index: node.index, state: node.state, pid: node.state === 'running' ? node.process.pid ?? null : null, peerId: node.peerId, address: node.address, api: node.api, dataDir: node.dataDir, ...(exit !== undefined ? { exit } : {}) }
}

export async function runPromptLine (line: string, ctx: PromptContext): Promise<PromptResult | null> {
  const [word, ...rest] = line.trim().split(/\s+/)
  const { net } = ctx
  const index = (): number => {
    const n = Number(rest[0])
    if (rest.length !== 1 || !Number.isInteger(n) || n < 0 || n >= net.nodes.length) throw new PromptError(`${word} needs one node number, 0 to ${net.nodes.length - 1}`)
    return n
  }
  const nodeReply = (verb: string, node: TestnetNode): PromptResult => ({ text: [`node ${node.index} ${verb}${node.state === 'running' ? `: ${node.address}` : ''}`], json: { [verb]: describeNode(node) } })
  switch (word) {
    case '':
      return null
    case 'help':
      return { text: PROMPT_HELP, json: { help: PROMPT_HELP } }
    case 'status': {
      const nodes = net.nodes.map(describeNode)
      const running = nodes.filter(n => n.state === 'running').length
      const text = [`${running} of ${nodes.length} running${ctx.lab?.partition() != null ? `; cut: ${ctx.lab.partition()?.map(g => g.join(',')).join(' | ')}` : ''}`,
        ...nodes.map(n => `  ${n.index}  ${n.state.padEnd(8)} ${n.pid !== null ? `pid ${n.pid}` : (n.exit ?? '')}  ${n.state === 'running' ? `${n.address}  ${n.api}` : ''}`.trimEnd())]
      return { text, json: { status: { running, nodes, partition: ctx.lab?.partition() ?? null } } }
    }
    case 'stop': {
      const i = index()
      await net.stopNode(i, 'drain')
      return nodeReply('stopped', net.nodes[i])
    }
    case 'kill': {
      const i = index()
      await net.stopNode(i, 'kill')
      return nodeReply('killed', net.nodes[i])
    }
    case 'start':
      return nodeReply('started', await net.startNode(index()))
    case 'restart':
      return nodeReply('restarted', await net.restartNode(index()))
    case 'add':
      return nodeReply('added', await net.add())
    case 'cut': {
      if (ctx.lab === undefined) throw new PromptError('cut needs a testnet started with --netns')
      const groups = rest.map(group => parseGroup(group, net.nodes.length))
      if (groups.length < 2) throw new PromptError('cut needs two or more groups, e.g. cut 0-3 4-7')
      await ctx.lab.cut(groups)
      return { text: [`cut: ${groups.map(g => g.join(',')).join(' | ')}`], json: { cut: groups } }
    }
    case 'heal':
      if (ctx.lab === undefined) throw new PromptError('heal needs a testnet started with --netns')
      await ctx.lab.heal()
      return { text: ['healed: every node on one network'], json: { healed: true } }
    case 'quit':
    case 'exit':
      return { quit: true }
    default:
      throw new PromptError(`unknown command '${word}' (try: help)`)
  }
}

/** `0-3` or `0,2,5` (or both, `0-2,6`): node numbers. */
function parseGroup (text: string, count: number): number[] {
  const nodes = text.split(',').flatMap(part => {
    const [from, to = from] = part.split('-').map(Number)
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to >= count || to < from) throw new PromptError(`'${text}' is not a group of nodes 0 to ${count - 1} (e.g. 0-3 or 0,2,5)`)
    return Array.from({ length: to - from + 1 }, (_, k) => from + k)
  })
  return [...new Set(nodes)]
}
