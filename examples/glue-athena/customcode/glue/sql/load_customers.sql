SELECT customer_id, trim(name) AS name, normalize_region({{ country_column }}) AS country_code
FROM {{ source_database }}.customers
