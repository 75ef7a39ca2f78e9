"""Resizes the pictures under INPUT_PREFIX of the pipeline bucket."""
import argparse
import os


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--width", type=int, required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--input", default=os.environ.get("INPUT_PREFIX", "incoming/"))
    return p.parse_args(argv)


def target_size(width, height, max_w, max_h):
    """The size that fits width x height into max_w x max_h, keeping the ratio."""
    scale = min(max_w / width, max_h / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def main():
    args = parse()
    index = int(os.environ.get("AWS_BATCH_JOB_ARRAY_INDEX", "0"))
    print(f"shard {index}: resizing {args.input} to fit {args.width}x{args.height} "
          f"into {os.environ.get('OUTPUT_PREFIX', 'resized/')}")


if __name__ == "__main__":
    main()
