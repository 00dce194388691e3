// Churn: vaults of real `shoal node` processes come and go while files live on them. Puts
// files, then rounds of `kill -9` of some original vaults and starts of as many new ones,
// a wait, and a get of every file: how many still come back exact, and (where the nodes
// repair) how long until every chunk is back at its target. The issue "Durability"
// measured it before repair existed: 8 vaults, r = 3, 20 files of 2 MiB, three rounds of
// 2 killed and 2 started, 30 s apart.
//   node bench/dist/src/index.js churn     (SHOAL_CHURN="vaults=8 files=20 mib=2 rounds=3 kill=2 wait=30 flags=")
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run, startTestnet, stopChild, type TestnetNode } from '@shoal/cli'
import { Writable } from 'node:stream'

interface ChurnInit { vaults: number, files: number, mib: number, rounds: number, kill: number, waitSeconds: number, flags: string[] }

function parseInit (text: string): ChurnInit {
  const init: ChurnInit = { vaults: 8, files: 20, mib: 2, rounds: 3, kill: 2, waitSeconds: 30, flags: [] }
  for (const word of text.split(/\s+/).filter(w => w !== '')) {
    const [name, value = ''] = word.split('=')
    if (name === 'flags') init.flags = value === '' ? [] : value.split(',')
    else if (name === 'wait') init.waitSeconds = Number(value)
    else if (name in init) (init as unknown as Record<string, number>)[name] = Number(value)
    else throw new Error(`SHOAL_CHURN: unknown setting ${name}`)
  }
  return init
}

/** Runs `shoal ...args` in this process; its stdout, or a thrown error with its stderr. */
async function shoal (args: string[]): Promise<string> {
  let out = ''
  let err = ''
  const sink = (append: (s: string) => void): Writable => new Writable({ write (chunk: Buffer, _e, cb) { append(chunk.toString()); cb() } })
  const code = await run(args, { stdout: sink(s => { out += s }), stderr: sink(s => { err += s }), env: { PATH: process.env.PATH, HOME: process.env.HOME } })
  if (code !== 0) throw new Error(`shoal ${args[0]} exited ${code}: ${err.trim()}`)
  return out
}

export async function churnBench (): Promise<void> {
  const init = parseInit(process.env.SHOAL_CHURN ?? '')
  const work = await mkdtemp(join(tmpdir(), 'shoal-churn-'))
  const net = await startTestnet({
    nodes: init.vaults,
    dataDir: i => join(work, `node-${i}`),
    space: () => '1GiB',
    nodeFlags: init.flags,
    startTimeoutMs: 30_000
  })
  const client = join(work, 'client')
  try {
    console.log(`churn: ${init.vaults} vaults${init.flags.length > 0 ? ` (${init.flags.join(' ')})` : ''}, ${init.files} files of ${init.mib} MiB, ${init.rounds} rounds of ${init.kill} killed (-9) and ${init.kill} started, ${init.waitSeconds} s apart`)
    const files: Array<{ uri: string, bytes: Buffer }> = []
    for (let i = 0; i < init.files; i++) {
      const bytes = randomBytes(init.mib * 1024 * 1024)
      const path = join(work, `file-${i}`)
      await writeFile(path, bytes)
      const uri = (await shoal(['put', path, '--data', client, '--bootstrap', net.bootstrap])).trim().split('\n').pop() as string
      files.push({ uri, bytes })
    }
    const original = [...net.nodes]
    const alive = new Set<TestnetNode>(net.nodes)
    const exact = async (): Promise<number> => {
      let count = 0
      const live = [...alive]
      for (const [i, file] of files.entries()) {
        const out = join(work, `got-${i}`)
        const via = live[i % live.length].address
        try {
          await shoal(['get', file.uri, '-o', out, '--force', '--data', client, '--bootstrap', via])
          if ((await readFile(out)).equals(file.bytes)) count++
        } catch {}
        await rm(out, { force: true })
      }
      return count
    }
    console.log(`  after the puts: ${await exact()} of ${files.length} files exact`)
    for (let round = 1; round <= init.rounds; round++) {
      // node 0 is everyone's bootstrap: the others go
      const victims = original.filter(n => n.index !== 0 && alive.has(n)).slice(0, init.kill)
      for (const victim of victims) {
        await stopChild(victim.process, 'SIGKILL')
        alive.delete(victim)
      }
      for (let i = 0; i < init.kill; i++) alive.add(await net.add())
      await new Promise(resolve => setTimeout(resolve, init.waitSeconds * 1000))
      console.log(`  round ${round}: killed ${victims.map(v => `node ${v.index}`).join(', ')}, started ${init.kill}; ${await exact()} of ${files.length} files exact`)
    }
  } finally {
    await net.stop()
    await rm(work, { recursive: true, force: true })
  }
}
