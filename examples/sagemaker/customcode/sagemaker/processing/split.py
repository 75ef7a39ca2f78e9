"""Splits the raw iris CSV into train, validation and test sets."""
import argparse
import csv
import os
import random

IN = "/opt/ml/processing/input"
OUT = "/opt/ml/processing/output"


def split(rows, test_share, seed):
    """Shuffle rows and cut them into train (60%), validation and test."""
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    n_test = int(len(rows) * test_share)
    test, rest = rows[:n_test], rows[n_test:]
    n_val = len(rest) // 4
    return rest[n_val:], rest[:n_val], test


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--test-share", type=float, default=0.2)
    args = p.parse_args()
    rows = []
    for name in sorted(os.listdir(IN)):
        with open(os.path.join(IN, name)) as f:
            rows.extend(csv.reader(f))
    parts = split(rows, args.test_share, int(os.environ.get("SEED", "0")))
    for name, part in zip(("train", "validation", "test"), parts):
        os.makedirs(os.path.join(OUT, name), exist_ok=True)
        with open(os.path.join(OUT, name, "data.csv"), "w", newline="") as f:
            csv.writer(f).writerows(part)


if __name__ == "__main__":
    main()
