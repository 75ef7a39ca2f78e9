SELECT * FROM "example"."table" WHERE "var1" = ? AND "var2" = ?
