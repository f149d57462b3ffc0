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

CREATE VIEW latest_positions AS
SELECT DISTINCT ON (venue, market) *
FROM positions
ORDER BY venue, market, time DESC;
