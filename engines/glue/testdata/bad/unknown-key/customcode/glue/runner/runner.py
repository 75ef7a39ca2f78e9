# Stands in for the repo's default runner.
print('runner')
