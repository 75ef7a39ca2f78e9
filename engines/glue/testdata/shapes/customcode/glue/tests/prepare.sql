SELECT id, class, sex, age, fare
FROM {{ ref("passengers_raw") }}
