SELECT customer_id, trim(name) AS name, upper(country_code) AS country_code FROM raw_customers
