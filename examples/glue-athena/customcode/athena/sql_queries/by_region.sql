SELECT c.country_code, sum(o.amount) AS total
FROM {{ database }}.orders o JOIN {{ database }}.customers c ON o.customer_id = c.customer_id
GROUP BY c.country_code
