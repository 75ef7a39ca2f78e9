SELECT * FROM {{ db }}.daily WHERE region = ?
