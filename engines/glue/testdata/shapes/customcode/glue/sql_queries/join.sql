SELECT c.*, s.website
FROM travel_raw.carriers_r c
LEFT JOIN travel_raw.carrier_sites_r s ON c.code = s.code
