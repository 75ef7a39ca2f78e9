INSERT INTO {{model_name}}.{{fact}}
SELECT id FROM {{source_database}}.v_{{fact}}