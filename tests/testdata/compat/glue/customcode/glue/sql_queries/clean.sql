SELECT * FROM raw_sales WHERE amount > {{ min_amount }}
