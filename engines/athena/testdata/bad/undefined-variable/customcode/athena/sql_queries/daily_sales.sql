SELECT order_date, sum(amount) AS total FROM {{ databse }}.orders GROUP BY order_date
