CREATE TABLE IF NOT EXISTS {{ database }}.daily_sales AS
SELECT order_date, sum(amount) AS total, '{{ run_id }}' AS run_id
FROM {{ database }}.orders
WHERE order_date = date '{{ run_date }}'
GROUP BY order_date
