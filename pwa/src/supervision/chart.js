// @ts-check
// The weekly trend chart: uPlot (about 20 KB gzipped, canvas, no dependencies), loaded only when
// the KPI screen draws it. uPlot sizes its elements through element.style (CSSOM), which the
// strict CSP allows, and writes its legend as text.
import 'uplot/dist/uPlot.min.css';
import uPlot from 'uplot';

/**
 * @typedef {{week: string, found: number, closed: number, due: number,
 *   closed_on_time: number}} TrendWeek
 */

const WEEK = 7 * 24 * 3600; // seconds, uPlot's time unit

/**
 * Draw the weekly counts into `container`; returns a function that removes the chart.
 * @param {HTMLElement} container
 * @param {TrendWeek[]} trend
 * @param {{found: string, closed: string, due: string, closed_on_time: string,
 *   week: string}} labels
 */
export function trendChart(container, trend, labels) {
  const x = trend.map((row) => Date.parse(`${row.week}T00:00:00Z`) / 1000);
  const series = /** @type {const} */ (['found', 'closed', 'due', 'closed_on_time']);
  const colors = ['#0b4a8f', '#2e7d32', '#e65100', '#6a1b9a'];
  const data = /** @type {uPlot.AlignedData} */ ([
    x, ...series.map((name) => trend.map((row) => Number(row[name] ?? 0)))]);
  const width = Math.max(320, Math.min(960, container.clientWidth || 720));
  const chart = new uPlot({
    width,
    height: 260,
    scales: {
      // One week alone would get a range of years: show a week either side of it instead.
      x: x.length > 1 ? { time: true }
        : { time: true, auto: false, range: /** @type {[number, number]} */ ([x[0] - WEEK, x[0] + WEEK]) },
    },
    series: [
      { label: labels.week },
      ...series.map((name, i) => ({ label: labels[name], stroke: colors[i], width: 2,
        points: { show: true } })),
    ],
    axes: [{}, { label: '' }],
  }, data, container);
  return () => chart.destroy();
}
