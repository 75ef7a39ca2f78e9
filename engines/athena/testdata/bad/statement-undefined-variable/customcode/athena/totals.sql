SELECT total
FROM {{ datbase }}.daily
