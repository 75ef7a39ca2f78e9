"""Runs the job YAML of --CONFIGPATH (all-types fixture: a stand-in for the real runner)."""
import sys

print("running", sys.argv[1:])
