SELECT order_id, customer_id, CAST(amount AS DECIMAL(12, 2)) AS amount, to_date(ordered_at) AS order_date
FROM {{ source_database }}.orders
WHERE amount IS NOT NULL AND to_date(ordered_at) = DATE '{{ run_date }}'
