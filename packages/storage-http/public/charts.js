// uPlot charts of the dashboard: line charts (one series per group) and a
// candlestick chart (drawn in a draw hook). Each chart element carries
// data-points: how many points it currently shows.
'use strict';

window.agCharts = (() => {
  const PALETTE = ['#4aa3ff', '#f5a524', '#26a269', '#e5484d', '#b48ead', '#56c2c7', '#d08770', '#a3be8c'];
  const AXIS = { stroke: '#8595a8', grid: { stroke: '#263241', width: 1 }, ticks: { stroke: '#263241' } };

  function size(el) {
    return { width: Math.max(280, el.clientWidth), height: 240 };
  }

  function countPoints(data) {
    let n = 0;
    for (let s = 1; s < data.length; s += 1) for (const v of data[s]) if (v !== null && v !== undefined) n += 1;
    return n;
  }

  /** A line chart; update(labels, data) replaces its series when they change. */
  function lineChart(el, options = {}) {
    let plot = null;
    let key = '';
    function update(seriesLabels, data) {
      const nextKey = seriesLabels.join('|');
      if (!plot || nextKey !== key) {
        plot?.destroy();
        key = nextKey;
        plot = new uPlot(
          {
            ...size(el),
            scales: { x: { time: true }, ...(options.scales ?? {}) },
            axes: options.axes ?? [AXIS, { ...AXIS, size: 70 }],
            series: [{}, ...seriesLabels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true, ...(options.series?.[i] ?? {}) }))],
            legend: { live: false },
          },
          data,
          el,
        );
      } else {
        plot.setData(data);
      }
      el.dataset.points = String(countPoints(data));
      el.dataset.series = String(seriesLabels.length);
    }
    window.addEventListener('resize', () => plot?.setSize(size(el)));
    return { update };
  }

  /** Candlesticks: data = [times, open, high, low, close]. */
  function candleChart(el) {
    let plot = null;
    function drawCandles(u) {
      const [times, open, high, low, close] = u.data;
      const ctx = u.ctx;
      const count = times.length;
      if (!count) return;
      const span = u.bbox.width / Math.max(1, (u.scales.x.max - u.scales.x.min) / Math.max(1, (times[count - 1] - times[0]) / Math.max(1, count - 1)));
      const bodyWidth = Math.max(1, Math.min(12, span * 0.7));
      ctx.save();
      for (let i = 0; i < count; i += 1) {
        if (open[i] === null) continue;
        const x = u.valToPos(times[i], 'x', true);
        const up = close[i] >= open[i];
        ctx.strokeStyle = ctx.fillStyle = up ? '#26a269' : '#e5484d';
        const yHigh = u.valToPos(high[i], 'y', true);
        const yLow = u.valToPos(low[i], 'y', true);
        ctx.beginPath();
        ctx.moveTo(Math.round(x) + 0.5, yHigh);
        ctx.lineTo(Math.round(x) + 0.5, yLow);
        ctx.stroke();
        const yOpen = u.valToPos(open[i], 'y', true);
        const yClose = u.valToPos(close[i], 'y', true);
        ctx.fillRect(x - bodyWidth / 2, Math.min(yOpen, yClose), bodyWidth, Math.max(1, Math.abs(yClose - yOpen)));
      }
      ctx.restore();
    }
    function update(data) {
      if (!plot) {
        const hidden = { paths: () => null, points: { show: false } };
        plot = new uPlot(
          {
            ...size(el),
            scales: { x: { time: true }, y: { range: (u, min, max) => [min - (max - min) * 0.05, max + (max - min) * 0.05] } },
            axes: [AXIS, { ...AXIS, size: 70 }],
            series: [{}, { label: 'open', ...hidden }, { label: 'high', ...hidden }, { label: 'low', ...hidden }, { label: 'close', stroke: 'transparent', ...hidden }],
            hooks: { draw: [drawCandles] },
            legend: { live: false },
          },
          data,
          el,
        );
      } else {
        plot.setData(data);
      }
      el.dataset.points = String(data[0].length);
    }
    window.addEventListener('resize', () => plot?.setSize(size(el)));
    return { update };
  }

  return { lineChart, candleChart };
})();
