SELECT * FROM (
  SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY order_date DESC) AS rn
  FROM curated_orders
) WHERE rn = 1
