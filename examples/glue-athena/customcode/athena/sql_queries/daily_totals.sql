SELECT order_date, total FROM {{ database }}.daily_sales WHERE region = ?
