-- the assertion data.all ran: its runner read assertion files from sql_queries
SELECT * FROM cleaned WHERE amount IS NULL
