INSERT INTO {{ database }}.audit_snapshots
SELECT date '{{ day }}' AS day, count(*) AS orders FROM {{ database }}.orders
