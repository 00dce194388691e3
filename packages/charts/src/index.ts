/**
 * @shoal/charts — charts as SVG text, rendered offline by Vega-Lite and Vega's headless
 * View: a function from rows and a few chart kinds to an SVG document.
 */
export { renderChart, type ChartAxis, type ChartKind, type ChartRow, type ChartSpec } from './chart.js'
