// The dashboard: reads the API every few seconds and redraws. An account and
// a strategy picker filter everything execution (and the metric lines, by
// their account/strategy labels). Metric lines (one per market) with an
// aggregation picker, candles, trades and quotes (trade prices with the bid
// and ask) of one market, position and PnL of one position, PnL per
// strategy, latest positions, storage and compression figures, recent
// orders, fills and events. Money arrives as plain decimal text.
// window.agDashboard reports what is shown (for tests).
'use strict';

(() => {
  const REFRESH_MS = 5000;
  const $ = (id) => document.getElementById(id);
  const state = { refreshes: 0, errors: [], charts: {}, markets: [], positions: [], accounts: [], strategies: [] };
  window.agDashboard = state;

  const metricChart = agCharts.lineChart($('metric-chart'));
  const candleChart = agCharts.candleChart($('candle-chart'));
  const tickChart = agCharts.lineChart($('tick-chart'), {
    series: [{ paths: () => null, points: { show: true, size: 3 } }, { width: 1 }, { width: 1 }],
  });
  const pnlChart = agCharts.lineChart($('pnl-chart'), {
    scales: { size: {} },
    axes: [
      { stroke: '#8595a8', grid: { stroke: '#263241' } },
      { stroke: '#8595a8', grid: { stroke: '#263241' }, size: 70 },
      { stroke: '#8595a8', side: 1, scale: 'size', grid: { show: false }, size: 70 },
    ],
    series: [{}, { scale: 'size' }],
  });

  const fmt = {
    time: (t) => new Date(t).toISOString().slice(11, 19),
    num: (v, digits = 2) => (v === null || v === undefined ? '' : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits })),
    bytes: (b) => (b >= 1073741824 ? `${(b / 1073741824).toFixed(2)} GB` : b >= 1048576 ? `${(b / 1048576).toFixed(1)} MB` : `${(b / 1024).toFixed(0)} kB`),
  };

  function bucketFor(rangeMs) {
    if (rangeMs <= 3600000) return '1m';
    if (rangeMs <= 21600000) return '5m';
    if (rangeMs <= 86400000) return '15m';
    return '1h';
  }

  function fillRows(tableId, rows, cells) {
    const body = $(tableId).querySelector('tbody');
    body.replaceChildren(
      ...rows.map((row) => {
        const tr = document.createElement('tr');
        for (const [text, className] of cells(row)) {
          const td = document.createElement('td');
          td.textContent = text;
          if (className) td.className = className;
          tr.append(td);
        }
        return tr;
      }),
    );
  }

  function setOptions(select, values, preferred) {
    const current = select.value || preferred;
    select.replaceChildren(...values.map((v) => new Option(v, v)));
    if (values.includes(current)) select.value = current;
  }

  /** The picked account and strategy, as API filters. */
  function fleetFilter() {
    const filter = {};
    if ($('account').value) filter.account = $('account').value;
    if ($('strategy').value) filter.strategy = $('strategy').value;
    return filter;
  }

  function setChoices(select, values, labelOf) {
    const current = select.value;
    select.replaceChildren(new Option('all', ''), ...values.map((v) => new Option(labelOf(v), v.id)));
    if (values.some((v) => v.id === current)) select.value = current;
  }

  function card(label, value) {
    const el = document.createElement('div');
    el.className = 'card';
    el.innerHTML = '<div class="label"></div><div class="value"></div>';
    el.querySelector('.label').textContent = label;
    el.querySelector('.value').textContent = value;
    return el;
  }

  async function loadChoices() {
    const [names, latest, accounts, strategies] = await Promise.all([
      agApi.get('/api/metrics/names'),
      agApi.get('/api/positions/latest'),
      agApi.get('/api/accounts'),
      agApi.get('/api/strategies'),
    ]);
    state.accounts = accounts.data;
    state.strategies = strategies.data;
    setChoices($('account'), accounts.data, (a) => `${a.id} (${a.mode})`);
    setChoices($('strategy'), strategies.data, (s) => (s.name && s.name !== s.id ? `${s.id} (${s.name})` : s.id));
    setOptions($('metric-name'), names.data, 'bot.pnl');
    let markets = [...new Set(latest.data.map((p) => `${p.venue}/${p.market}`))];
    if (markets.length === 0) {
      const series = await agApi.get('/api/metrics/series', { name: 'bot.mid_price' });
      markets = [...new Set(series.data.map((s) => `${s.labels.venue}/${s.labels.market}`))];
    }
    state.markets = markets;
    setOptions($('candle-market'), markets, markets[0]);
    setOptions($('tick-market'), markets, markets[0]);
    loadPositionChoices(latest.data);
  }

  /** The positions the PnL chart can show: one per account, strategy and market, within the picked account and strategy. */
  function loadPositionChoices(latest) {
    const { account, strategy } = fleetFilter();
    const positions = latest.filter((p) => (!account || p.accountId === account) && (!strategy || p.strategyId === strategy));
    state.positions = positions;
    const select = $('pnl-market');
    const current = select.value;
    const key = (p) => [p.accountId, p.strategyId, p.venue, p.market].join('|');
    select.replaceChildren(...positions.map((p) => new Option(`${p.strategyId} · ${p.accountId} · ${p.market}`, key(p))));
    if (positions.some((p) => key(p) === current)) select.value = current;
  }

  async function refreshStats() {
    const stats = await agApi.get('/api/stats');
    $('engine').textContent = `${stats.engine}${stats.timescale ? ` · TimescaleDB ${stats.timescale.version}` : ' · PostgreSQL'}`;
    const compression = stats.compression.ratio === null ? 'n/a' : `${stats.compression.ratio.toFixed(1)}x (${stats.compression.savedPercent}% saved)`;
    const failing = stats.jobs.filter((j) => !j.healthy).length;
    $('cards').replaceChildren(
      card('database size', fmt.bytes(stats.databaseBytes)),
      card('compression', compression),
      card('metric points', fmt.num(stats.rows.metric_points, 0)),
      card('orders / fills', `${fmt.num(stats.rows.orders, 0)} / ${fmt.num(stats.rows.fills, 0)}`),
      card('ingested points', fmt.num(stats.ingest.written, 0)),
      card('buffer depth', fmt.num(stats.ingest.bufferDepth, 0)),
      card('last flush', `${fmt.num(stats.ingest.lastFlushLatencyMs, 1)} ms`),
      card('jobs', stats.jobs.length ? `${stats.jobs.length - failing} ok / ${failing} failing` : 'library scheduler'),
      card('pool', `${stats.pool.total} open · ${stats.pool.waiting} waiting`),
    );
    fillRows('tables', stats.tables.filter((t) => t.totalBytes > 0), (t) => [[t.table], [t.kind], [fmt.bytes(t.totalBytes)], [String(t.chunks)], [String(t.compressedChunks)]]);
  }

  async function refreshMetrics(start, end, rangeMs) {
    const name = $('metric-name').value;
    if (!name) return;
    const aggregation = $('aggregation').value;
    const query = { name, start, end, bucket: bucketFor(rangeMs), aggregations: aggregation, groupBy: 'market' };
    // A market-wide metric (mid price, feed lag) has no account or strategy label: shown unfiltered.
    let result = await agApi.get('/api/metrics/aggregate', { ...query, ...fleetFilter() });
    if (result.data.length === 0 && Object.keys(fleetFilter()).length > 0) result = await agApi.get('/api/metrics/aggregate', query);
    const groups = new Map();
    const times = new Set();
    for (const row of result.data) {
      const group = row.labels.market ?? name;
      const t = Date.parse(row.bucket) / 1000;
      times.add(t);
      if (!groups.has(group)) groups.set(group, new Map());
      groups.get(group).set(t, row[aggregation]);
    }
    const xs = [...times].sort((a, b) => a - b);
    const labels = [...groups.keys()].sort();
    const data = [xs, ...labels.map((g) => xs.map((t) => groups.get(g).get(t) ?? null))];
    metricChart.update(labels, data);
    $('metric-source').textContent = `${result.data.length} buckets from ${result.source}`;
    state.charts.metrics = { series: labels.length, points: Number($('metric-chart').dataset.points) };
  }

  async function refreshCandles(start, end) {
    const [venue, symbol] = ($('candle-market').value || '/').split('/');
    if (!venue) return;
    const result = await agApi.get('/api/candles', { venue, symbol, timeframe: $('candle-timeframe').value, start, end, limit: 5000 });
    const bars = result.data;
    candleChart.update([bars.map((b) => Date.parse(b.time) / 1000), bars.map((b) => Number(b.open)), bars.map((b) => Number(b.high)), bars.map((b) => Number(b.low)), bars.map((b) => Number(b.close))]);
    state.charts.candles = { points: bars.length };
  }

  /** The newest trades and quotes of the range (at most 5000 of each), trade prints as dots, bid and ask as lines. */
  async function refreshTicks(start, end) {
    const [venue, symbol] = ($('tick-market').value || '/').split('/');
    if (!venue) return;
    const query = { venue, symbol, start, end, limit: 5000, order: 'desc' };
    const [trades, quotes] = await Promise.all([agApi.get('/api/trades', query), agApi.get('/api/quotes', query)]);
    const rows = new Map();
    const at = (time) => {
      const t = Date.parse(time) / 1000;
      if (!rows.has(t)) rows.set(t, [null, null, null]);
      return rows.get(t);
    };
    for (const trade of trades.data) at(trade.time)[0] = Number(trade.price);
    for (const quote of quotes.data) {
      const row = at(quote.time);
      row[1] = Number(quote.bid);
      row[2] = Number(quote.ask);
    }
    const xs = [...rows.keys()].sort((a, b) => a - b);
    tickChart.update(['trade price', 'bid', 'ask'], [xs, ...[0, 1, 2].map((i) => xs.map((t) => rows.get(t)[i]))]);
    $('tick-source').textContent = `${trades.data.length} trades, ${quotes.data.length} quotes`;
    state.charts.ticks = { trades: trades.data.length, quotes: quotes.data.length, points: Number($('tick-chart').dataset.points) };
  }

  async function refreshPnl(start, end) {
    const [account, strategy, venue, market] = ($('pnl-market').value || '|||').split('|');
    if (!venue) return;
    const result = await agApi.get('/api/positions', { account, strategy, venue, market, start, end, limit: 5000 });
    const rows = result.data;
    const xs = rows.map((p) => Date.parse(p.time) / 1000);
    pnlChart.update(['PnL (realized + unrealized)', 'position size'], [xs, rows.map((p) => Number(p.realizedPnl) + Number(p.unrealizedPnl)), rows.map((p) => Number(p.size))]);
    state.charts.pnl = { points: rows.length };
  }

  async function refreshTables(start, end) {
    const fleet = fleetFilter();
    const [latest, orders, fills, events] = await Promise.all([
      agApi.get('/api/positions/latest', fleet),
      agApi.get('/api/orders', { start, end, limit: 12, ...fleet }),
      agApi.get('/api/fills', { start, end, limit: 12, ...fleet }),
      agApi.get('/api/events', { start: new Date(Date.now() - 7 * 86400000), end, limit: 10 }),
    ]);
    const pnl = strategyPnl(latest.data);
    fillRows('strategy-pnl', pnl, (r) => [[r.strategyId], [r.accountId], [r.mode], [fmt.num(r.realized)], [fmt.num(r.unrealized)], [fmt.num(r.total), r.total < 0 ? 'sell' : 'buy']]);
    fillRows('positions', latest.data, (p) => [[p.strategyId], [p.accountId], [p.market], [fmt.num(p.size, 6)], [fmt.num(p.avgEntryPrice, 5)], [fmt.num(p.unrealizedPnl)], [fmt.num(p.realizedPnl)]]);
    fillRows('orders', orders.data, (o) => [[fmt.time(o.time)], [o.strategyId], [o.market], [o.side, o.side], [fmt.num(o.price, 6)], [fmt.num(o.size, 6)], [fmt.num(o.filledSize, 6)], [o.status]]);
    fillRows('fills', fills.data, (f) => [[fmt.time(f.time)], [f.strategyId], [f.market], [f.side, f.side], [fmt.num(f.price, 6)], [fmt.num(f.size, 6)], [fmt.num(f.fee, 6)]]);
    fillRows('events', events.data, (e) => [[new Date(e.time).toISOString().slice(5, 19).replace('T', ' ')], [e.severity, `sev-${e.severity}`], [e.kind], [e.message]]);
    state.tables = { strategyPnl: pnl.length, positions: latest.data.length, orders: orders.data.length, fills: fills.data.length, events: events.data.length };
    state.strategyPnl = pnl;
  }

  /** Realized + unrealized PnL of the newest snapshots, per strategy and account (markets added as they are quoted). */
  function strategyPnl(latest) {
    const modes = new Map(state.accounts.map((a) => [a.id, a.mode]));
    const rows = new Map();
    for (const p of latest) {
      const key = `${p.strategyId}|${p.accountId}`;
      const row = rows.get(key) ?? { strategyId: p.strategyId, accountId: p.accountId, mode: modes.get(p.accountId) ?? '', realized: 0, unrealized: 0, total: 0 };
      row.realized += Number(p.realizedPnl);
      row.unrealized += Number(p.unrealizedPnl);
      row.total = row.realized + row.unrealized;
      rows.set(key, row);
    }
    return [...rows.values()].sort((a, b) => a.strategyId.localeCompare(b.strategyId) || a.accountId.localeCompare(b.accountId));
  }

  let inFlight = false;
  async function refresh() {
    if (inFlight) return;
    inFlight = true;
    const rangeMs = Number($('range').value);
    const end = new Date();
    const start = new Date(end.getTime() - rangeMs);
    try {
      if (state.markets.length === 0 || !$('metric-name').value || state.refreshes % 12 === 11) await loadChoices();
      await Promise.all([refreshStats(), refreshMetrics(start, end, rangeMs), refreshCandles(start, end), refreshTicks(start, end), refreshPnl(start, end), refreshTables(start, end)]);
      state.refreshes += 1;
      state.lastRefresh = new Date().toISOString();
      $('status').textContent = `updated ${fmt.time(Date.now())}`;
    } catch (error) {
      state.errors.push(String(error.message ?? error));
      $('status').textContent = `error: ${error.message ?? error}`;
    } finally {
      inFlight = false;
    }
  }

  for (const id of ['metric-name', 'aggregation', 'candle-market', 'candle-timeframe', 'tick-market', 'pnl-market', 'range']) $(id).addEventListener('change', refresh);
  for (const id of ['account', 'strategy']) {
    $(id).addEventListener('change', async () => {
      try {
        loadPositionChoices((await agApi.get('/api/positions/latest')).data);
      } catch (error) {
        state.errors.push(String(error.message ?? error));
      }
      refresh();
    });
  }
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
