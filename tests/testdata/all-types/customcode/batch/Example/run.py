import sys

print("batch job", sys.argv[1:])
