SELECT * FROM {{ source_db }}.people
WHERE age >= {{ min_age }} AND day = '{{ run_date }}' AND stage = '{{ stage }}'
