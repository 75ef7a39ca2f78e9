SELECT {{ dimension|default:"region" }}, count(*) FROM "{{ model_name|default:"example" }}"."predictions" GROUP BY 1
