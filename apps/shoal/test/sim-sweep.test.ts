// `shoal sim sweep` end to end on a tiny grid: each point a real `shoal sim` process, the
// points written as JSON, the two charts as SVG, and --redraw drawing the same charts again.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { SweepResult } from '@shoal/sim'
import { run } from '../src/cli.js'

async function shoal (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const sink = (append: (text: string) => void): Writable => new Writable({ write (chunk: Buffer, _encoding, done) { append(chunk.toString()); done() } })
  const code = await run(args, { stdout: sink(text => { stdout += text }), stderr: sink(text => { stderr += text }), env: {} })
  return { code, stdout, stderr }
}

test('a tiny sweep writes its points and two charts, and --redraw draws the same charts', async () => {
  const out = await mkdtemp(join(tmpdir(), 'shoal-sweep-'))
  try {
    const grid = ['--nodes', '12', '--days', '1', '--files', '3', '--chunks-per-file', '2', '--redundancies', 'replicate:2', '--repair-intervals', '1h,off', '--churn-scales', '1,3', '--churn', 'stable']
    const r = await shoal(['sim', 'sweep', '--out', out, ...grid])
    assert.is(r.code, 0, r.stderr)
    assert.match(r.stderr, /\[3\/3\] replicate:2, repair 1h, churn ×3: \d+ of 3 files lost/)
    const result = JSON.parse(await readFile(join(out, 'sweep.json'), 'utf8')) as SweepResult
    assert.is(result.config.nodes, 12, 'the options after `sweep` are the sweep\'s')
    assert.equal(result.points.map(p => [p.repairInterval.label, p.churnScale, p.report?.config.repair]), [['1h', 1, true], ['off', 1, false], ['1h', 3, true]])
    assert.is(result.points[2].report?.config.churn, 'stable×3')
    const durability = await readFile(join(out, 'durability-vs-repair-interval.svg'), 'utf8')
    const traffic = await readFile(join(out, 'repair-traffic-vs-churn.svg'), 'utf8')
    assert.match(durability, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    assert.ok(durability.includes('Durability against repair interval') && traffic.includes('Repair traffic against churn rate'))
    await rm(join(out, 'repair-traffic-vs-churn.svg'))
    const again = await shoal(['sim', 'sweep', '--out', out, '--redraw'])
    assert.is(again.code, 0, again.stderr)
    assert.is(await readFile(join(out, 'durability-vs-repair-interval.svg'), 'utf8'), durability)
    assert.is(await readFile(join(out, 'repair-traffic-vs-churn.svg'), 'utf8'), traffic)
  } finally {
    await rm(out, { recursive: true, force: true })
  }
})

test('shoal sim still takes its own flags; a churn scale must be above 0', async () => {
  const r = await shoal(['sim', '--nodes', '5', '--days', '1', '--files', '1', '--churn', 'none', '--churn-scale', '0'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /--churn-scale: '0' is not a number above 0/)
})

test.run()
