#!/usr/bin/env python3
"""Writes a data set of the size asked for, made of Fashion-MNIST, for bench/scaling-bench.sh.

The training file holds --train-images images: a seeded random subset of the 60,000 real training images when that
is enough, otherwise all of them followed by augmented copies, each a real training image (drawn with replacement,
seeded) shifted by up to 2 pixels in each direction (zeros shifted in) with seeded noise of +-8 grey levels, so that
the copies keep the classes' structure without repeating a point exactly. The test file is the real one, unchanged.
Writes train-/t10k-images-idx3-ubyte.gz and train-/t10k-labels-idx1-ubyte.gz into --out; the gzip level is 1, as
the files are read once.

Needs: NumPy (Debian's python3-numpy). --dry-run checks the arguments and the source files and writes nothing.
"""
import argparse
import gzip
import os
import shutil
import struct
import sys

SHIFT = 2
NOISE = 8
FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz"]


def read_idx(path):
    import numpy as np
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">i", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def write_idx(path, array):
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(struct.pack(">i", 0x0800 | array.ndim))
        f.write(struct.pack(">" + "i" * array.ndim, *array.shape))
        f.write(array.tobytes())


def augmented(images, count, rng):
    """`count` shifted, noisy copies of images drawn with replacement."""
    import numpy as np
    rows, cols = images.shape[1:]
    drawn = rng.integers(0, len(images), size=count)
    out = np.zeros((count, rows, cols), dtype=np.uint8)
    shifts = rng.integers(-SHIFT, SHIFT + 1, size=(count, 2))
    for dy in range(-SHIFT, SHIFT + 1):
        for dx in range(-SHIFT, SHIFT + 1):
            chosen = np.nonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))[0]
            if len(chosen) == 0:
                continue
            source = images[drawn[chosen]]
            target = out[chosen]
            ys, yt = (slice(0, rows - dy), slice(dy, rows)) if dy >= 0 else (slice(-dy, rows), slice(0, rows + dy))
            xs, xt = (slice(0, cols - dx), slice(dx, cols)) if dx >= 0 else (slice(-dx, cols), slice(0, cols + dx))
            target[:, yt, xt] = source[:, ys, xs]
            out[chosen] = target
    noise = rng.integers(-NOISE, NOISE + 1, size=out.shape, dtype=np.int16)
    return np.clip(out.astype(np.int16) + noise, 0, 255).astype(np.uint8), drawn


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="folder with Fashion-MNIST's four IDX .gz files")
    parser.add_argument("--out", required=True, help="folder to write the data set into")
    parser.add_argument("--train-images", type=int, required=True, help="images in the training file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if args.train_images < 1:
        sys.exit("--train-images must be at least 1, got %d" % args.train_images)
    missing = [f for f in FILES if not os.path.isfile(os.path.join(args.source, f))]
    if missing:
        sys.exit("%s lacks %s" % (args.source, ", ".join(missing)))
    if args.dry_run:
        print("[dry-run] %s would get %d training images made from %s" % (args.out, args.train_images, args.source))
        return

    import numpy as np
    rng = np.random.default_rng(args.seed)
    images = read_idx(os.path.join(args.source, FILES[0]))
    labels = read_idx(os.path.join(args.source, FILES[1]))
    if args.train_images <= len(images):
        chosen = np.sort(rng.choice(len(images), size=args.train_images, replace=False))
        train_images, train_labels = images[chosen], labels[chosen]
    else:
        copies, drawn = augmented(images, args.train_images - len(images), rng)
        train_images = np.concatenate([images, copies])
        train_labels = np.concatenate([labels, labels[drawn]])
    os.makedirs(args.out, exist_ok=True)
    partial = os.path.join(args.out, ".partial")
    os.makedirs(partial, exist_ok=True)
    write_idx(os.path.join(partial, FILES[0]), train_images)
    write_idx(os.path.join(partial, FILES[1]), train_labels)
    for name in FILES[2:]:
        shutil.copyfile(os.path.join(args.source, name), os.path.join(partial, name))
    # moved into place only when all four are written, so an interrupted run never leaves a set that looks complete
    for name in FILES:
        os.replace(os.path.join(partial, name), os.path.join(args.out, name))
    os.rmdir(partial)
    print("%s: %d training images (%d augmented copies), %d test images" % (
        args.out, len(train_images), max(0, args.train_images - len(images)), 10000))


if __name__ == "__main__":
    main()
