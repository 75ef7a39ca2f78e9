SELECT total FROM {{ database }}.daily WHERE region = ? -- and day = ?
