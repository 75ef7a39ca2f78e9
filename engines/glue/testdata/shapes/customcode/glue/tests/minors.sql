SELECT * FROM {{ ref("people") }} WHERE age < 18
