-- Orders of one region in this run, capped; '?' in a literal is no placeholder.
SELECT region, count(*) AS orders, 'why?' AS note
FROM orders
WHERE region = ? AND run_name = ?
GROUP BY region
LIMIT ?
