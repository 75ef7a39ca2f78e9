-- Sales of one region{{ note }}
SELECT region, sum(amount) AS total
FROM {{ database }}.{{ table }}
WHERE region = ? AND day >= ?
GROUP BY region
