SELECT order_id, customer_id, amount, order_date FROM (
  SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY order_date DESC) AS rn
  FROM load_orders
) WHERE rn = 1
