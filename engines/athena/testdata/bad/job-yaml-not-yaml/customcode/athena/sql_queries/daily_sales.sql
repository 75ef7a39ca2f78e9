SELECT order_date, sum(amount) AS total FROM {{ database }}.orders GROUP BY order_date
