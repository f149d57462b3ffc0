-- Views for SQL users and Grafana: metrics (points joined with their series),
-- active_orders (orders still working) and latest_positions (the newest
-- snapshot per venue and market).

CREATE VIEW metrics AS
SELECT p.time, s.metric_name, p.value, s.labels
FROM metric_points p
JOIN metric_series s ON s.id = p.series_id;

CREATE VIEW active_orders AS
SELECT *
FROM orders
WHERE status IN ('new', 'open', 'partially_filled');

-- One primary-key probe per (venue, market). Not DISTINCT ON (...) ORDER BY
-- time DESC: TimescaleDB 2.23 plans that as a SkipScan over the ascending
-- key, which on compressed chunks returns an OLDER row (a test guards this).
CREATE VIEW latest_positions AS
SELECT k.venue, k.market, p.time, p.size, p.avg_entry_price, p.unrealized_pnl, p.realized_pnl
  FROM (SELECT DISTINCT venue, market FROM positions) k
 CROSS JOIN LATERAL (
       SELECT x.time, x.size, x.avg_entry_price, x.unrealized_pnl, x.realized_pnl
         FROM positions x
        WHERE x.venue = k.venue AND x.market = k.market
        ORDER BY x.time DESC
        LIMIT 1) p;
