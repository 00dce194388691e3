// A chart as SVG text, rendered offline: the ChartSpec becomes a Vega-Lite spec, Vega-Lite
// compiles it to Vega, and Vega's headless View draws it as SVG (no browser, no canvas;
// text widths are estimated).
import { parse, View } from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'

export type ChartKind = 'line' | 'bar'

export type ChartRow = Record<string, string | number | null>

export interface ChartAxis {
  field: string
  title: string
  /** 'log' drops rows whose value is not above 0 (a log scale has no place for them) */
  scale?: 'linear' | 'log'
  /** a d3-format string for the tick labels, e.g. '.0%' or '~s' */
  format?: string
}

export interface ChartSpec {
  /**
   * line: points per series, joined by a line on a numeric x (side by side on a categorical
   * one), with error bars when `interval` is given; bar: grouped bars
   */
  kind: ChartKind
  title: string
  subtitle?: string | string[]
  rows: ChartRow[]
  /** `order`: the x axis is categorical, in this order; otherwise it is numeric */
  x: ChartAxis & { order?: string[] }
  y: ChartAxis
  /** one colour per value of this field, in `order` when given */
  series?: { field: string, title: string, order?: string[] }
  /** an error bar from the row's `low` to its `high` (rows without both get none) */
  interval?: { low: string, high: string }
  /** a point's shape by the value of this field: value → a Vega shape ('circle', 'triangle-down', …) */
  marker?: { field: string, title: string, shapes: Record<string, string> }
  width?: number
  height?: number
}

/** Renders the chart as a standalone SVG document. */
export async function renderChart (chart: ChartSpec): Promise<string> {
  const { spec } = compile(toVegaLite(chart))
  const view = new View(parse(spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

function toVegaLite (chart: ChartSpec): TopLevelSpec {
  const { x, y, series, interval, marker } = chart
  const xEncoding = {
    field: x.field,
    title: x.title,
    ...(x.order === undefined
      ? { type: 'quantitative' as const, scale: x.scale === 'log' ? { type: 'log' as const, nice: false } : { type: 'linear' as const } }
      : { type: 'ordinal' as const, sort: x.order }),
    axis: { labelAngle: 0, ...(x.format === undefined ? {} : { format: x.format }) }
  }
  const yEncoding = {
    field: y.field,
    title: y.title,
    type: 'quantitative' as const,
    scale: y.scale === 'log' ? { type: 'log' as const } : { type: 'linear' as const, zero: true },
    ...(y.format === undefined ? {} : { axis: { format: y.format } })
  }
  const color = series === undefined
    ? {}
    : { color: { field: series.field, title: series.title, type: 'nominal' as const, ...(series.order === undefined ? {} : { sort: series.order, scale: { domain: series.order } }) } }
  const positive = (field: string): string => `isValid(datum[${JSON.stringify(field)}]) && isFinite(datum[${JSON.stringify(field)}])${y.scale === 'log' ? ` && datum[${JSON.stringify(field)}] > 0` : ''}`
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.subtitle === undefined ? chart.title : { text: chart.title, subtitle: chart.subtitle },
    width: chart.width ?? 480,
    height: chart.height ?? 300,
    background: 'white',
    config: { legend: { labelLimit: 320 } },
    data: { values: chart.rows },
    transform: [{ filter: positive(y.field) }]
  }
  if (chart.kind === 'bar') {
    return {
      ...common,
      mark: { type: 'bar' },
      encoding: { x: xEncoding, y: yEncoding, ...color, ...(series === undefined ? {} : { xOffset: { field: series.field, sort: series.order } }) }
    } as TopLevelSpec
  }
  const shape = marker === undefined
    ? {}
    : { shape: { field: marker.field, title: marker.title, type: 'nominal' as const, scale: { domain: Object.keys(marker.shapes), range: Object.values(marker.shapes) } } }
  // on a categorical x, series sit side by side in each category (equal values stay apart)
  // and are not joined: a line through offset points would zigzag between the categories
  const sideBySide = x.order !== undefined && series !== undefined
  const offset = sideBySide ? { xOffset: { field: series.field, sort: series.order, scale: { paddingOuter: 1 } } } : {}
  const layers: unknown[] = [
    ...(sideBySide ? [] : [{ mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x: xEncoding, y: yEncoding, ...color } }]),
    { mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { x: xEncoding, y: yEncoding, ...color, ...shape, ...offset } }
  ]
  if (interval !== undefined) {
    layers.push({
      transform: [{ filter: `${positive(interval.low)} && ${positive(interval.high)}` }],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x: xEncoding, y: { ...yEncoding, field: interval.low }, y2: { field: interval.high }, ...color, ...offset }
    })
  }
  return { ...common, layer: layers } as TopLevelSpec
}
