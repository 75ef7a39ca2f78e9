SELECT customer_id, sum(amount) AS total
FROM {{ database }}.orders
WHERE region = ?
GROUP BY customer_id
ORDER BY total DESC
LIMIT ?
