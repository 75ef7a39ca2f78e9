SELECT order_id, customer_id, CAST(amount AS DECIMAL(12, 2)) AS amount, to_date(ordered_at) AS order_date
FROM raw_orders
WHERE amount IS NOT NULL
