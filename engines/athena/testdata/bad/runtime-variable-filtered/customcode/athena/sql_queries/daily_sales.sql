SELECT total FROM {{ database|upper }}x.daily
