CREATE TABLE IF NOT EXISTS {{ database }}.daily_sales AS
SELECT o.order_date, c.country_code AS region, sum(o.amount) AS total, '{{ run_id }}' AS run_id
FROM {{ database }}.orders o JOIN {{ database }}.customers c ON o.customer_id = c.customer_id
WHERE o.order_date = date '{{ run_date }}'
GROUP BY o.order_date, c.country_code
