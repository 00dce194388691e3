// The charts are real SVG with one mark per row: parsed as XML, their marks counted by
// Vega's classes (mark-symbol for points, mark-rule for error bars, mark-rect for bars).
import { XMLParser } from 'fast-xml-parser'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { renderChart, type ChartRow, type ChartSpec } from '../src/chart.js'

interface Element { name: string, attrs: Record<string, string>, children: Element[], text: string }

function parseSvg (svg: string): Element {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, trimValues: false })
  const toElement = (node: Record<string, unknown>): Element => {
    const name = Object.keys(node).find(k => k !== ':@') ?? ''
    const kids = (node[name] ?? []) as Array<Record<string, unknown>>
    return {
      name,
      attrs: (node[':@'] ?? {}) as Record<string, string>,
      children: Array.isArray(kids) ? kids.filter(k => !('#text' in k)).map(toElement) : [],
      text: Array.isArray(kids) ? kids.filter(k => '#text' in k).map(k => String(k['#text'])).join('') : ''
    }
  }
  const roots = (parser.parse(svg) as Array<Record<string, unknown>>).map(toElement)
  const svgRoot = roots.find(r => r.name === 'svg')
  if (svgRoot === undefined) throw new Error('no <svg> element')
  return svgRoot
}

function all (e: Element): Element[] {
  return [e, ...e.children.flatMap(all)]
}

/** the drawn items of the marks whose class has `classPart` (each item is a child of the mark's group) */
function items (root: Element, classPart: string): Element[] {
  return all(root).filter(e => e.name === 'g' && (e.attrs.class ?? '').split(' ').includes(classPart) && (e.attrs.class ?? '').includes('role-mark')).flatMap(g => g.children)
}

function texts (root: Element, classPart: string): string[] {
  return all(root).filter(e => e.name === 'g' && (e.attrs.class ?? '').includes(classPart)).flatMap(g => all(g)).filter(e => e.name === 'text').map(e => e.text)
}

const series = ['replicate:3', 'replicate:5', 'rs:4+2']
const intervals = ['1h', '6h', '1d', 'off']

function lossRows (): ChartRow[] {
  return series.flatMap((s, i) => intervals.map((x, j) => ({
    s,
    x,
    y: 10 ** -(8 - 2 * j - i),
    low: j === 0 ? null : 10 ** -(9 - 2 * j - i),
    high: j === 0 ? null : 10 ** -(7 - 2 * j - i),
    kind: j === 0 ? 'bound' : 'estimate'
  })))
}

const lossChart = (rows: ChartRow[]): ChartSpec => ({
  kind: 'line',
  title: 'Durability',
  rows,
  x: { field: 'x', title: 'repair interval', order: intervals },
  y: { field: 'y', title: 'yearly loss', scale: 'log', format: '.0e' },
  series: { field: 's', title: 'redundancy', order: series },
  interval: { low: 'low', high: 'high' },
  marker: { field: 'kind', title: 'mark', shapes: { estimate: 'circle', bound: 'triangle-down' } }
})

test('a line chart: one point per row, an error bar per row with an interval, a legend entry per series', async () => {
  const svg = await renderChart(lossChart(lossRows()))
  const root = parseSvg(svg)
  assert.ok(Number(root.attrs.width) > 400 && Number(root.attrs.height) > 250, `a chart of some size (${root.attrs.width} × ${root.attrs.height})`)
  assert.is(items(root, 'mark-symbol').length, 12, 'three series of four points')
  assert.is(items(root, 'mark-rule').length, 9, 'error bars where low and high are given')
  const legend = texts(root, 'role-legend')
  for (const s of series) assert.ok(legend.includes(s), `legend names ${s}`)
  assert.ok(legend.includes('estimate') && legend.includes('bound'), 'legend names the marker kinds')
  assert.ok(texts(root, 'role-title').includes('Durability'))
  // the points of one series share one colour, and the series differ
  const fills = new Set(items(root, 'mark-symbol').map(p => p.attrs.fill))
  assert.is(fills.size, 3)
})

test('a log scale leaves out what it cannot place: a row at 0 has no point, a bar from 0 none', async () => {
  const rows = lossRows()
  rows[5] = { ...rows[5], y: 0, low: 0 }
  const root = parseSvg(await renderChart(lossChart(rows)))
  assert.is(items(root, 'mark-symbol').length, 11)
  assert.is(items(root, 'mark-rule').length, 8)
})

test('a line chart on a numeric x joins each series with one line', async () => {
  const rows = series.flatMap((s, i) => [0.5, 1, 2, 4].map(x => ({ s, x, y: x * (i + 1) })))
  const root = parseSvg(await renderChart({ kind: 'line', title: 'Traffic', rows, x: { field: 'x', title: 'churn', scale: 'log' }, y: { field: 'y', title: 'MiB', format: '.0%' }, series: { field: 's', title: 'redundancy' } }))
  assert.is(items(root, 'mark-line').length, 3, 'one line per series')
  assert.is(items(root, 'mark-symbol').length, 12)
})

test('a bar chart: one bar per row, grouped by series', async () => {
  const rows = series.flatMap((s, i) => ['put', 'get'].map(x => ({ s, x, y: 100 * (i + 1) })))
  const root = parseSvg(await renderChart({ kind: 'bar', title: 'Throughput', rows, x: { field: 'x', title: 'operation', order: ['put', 'get'] }, y: { field: 'y', title: 'MiB/s' }, series: { field: 's', title: 'redundancy', order: series } }))
  const bars = items(root, 'mark-rect')
  assert.is(bars.length, 6)
  assert.is(new Set(bars.map(b => b.attrs.fill)).size, 3, 'a colour per series')
})

test.run()
