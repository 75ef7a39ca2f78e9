SELECT total FROM sales.daily WHERE region = ? AND day = ? AND note <> 'why?'
