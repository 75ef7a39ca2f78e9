"""Resizes the images under an S3 prefix: the job of the compat batch corpus."""
import argparse
import sys


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    args = parser.parse_args(argv)
    print(f"resize to {args.width}x{args.height}")


if __name__ == "__main__":
    main(sys.argv[1:])
