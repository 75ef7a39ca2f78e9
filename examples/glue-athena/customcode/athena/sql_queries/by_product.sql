SELECT product_id, count(*) AS orders FROM {{ database }}.orders GROUP BY product_id
