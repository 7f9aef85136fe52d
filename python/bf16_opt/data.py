"""``bf16_opt.data``: offline datasets for the examples and the tests.

Nothing is downloaded: the data comes from Debian packages
(``scripts/setup.sh`` installs them; ``docs/Data.md``).

* :func:`fashion_mnist` -- Fashion-MNIST images and labels from
  ``dataset-fashion-mnist`` (gzip IDX files in
  ``/usr/share/datasets/fashion-mnist``), normalized float32 images.
* :func:`kjv_text` -- the King James Bible as plain text, one verse per line,
  from the ``bible`` program (``bible-kjv`` and ``bible-kjv-text``).
* :func:`char_corpus` -- a character vocabulary, ``encode``/``decode`` and a
  contiguous train/validation split of a text (default: :func:`kjv_text`).
* :func:`batches` and :func:`char_batches` -- deterministic shuffling: the
  order depends only on ``(seed, epoch)``, never on a global RNG.

Missing data raises :class:`DataUnavailableError` (it names the Debian
package to install); a corrupt file raises :class:`ValueError` naming it.
Needs numpy and torch (Debian's ``python3-numpy`` and ``python3-torch``).
"""

import collections
import functools
import gzip
import os
import re
import shutil
import struct
import subprocess
import zlib

import numpy as np
import torch

__all__ = [
    "DataUnavailableError", "FASHION_MNIST_CLASSES", "FASHION_MNIST_DIR",
    "FASHION_MNIST_MEAN", "FASHION_MNIST_STD", "CharCorpus", "batches",
    "char_batches", "char_corpus", "fashion_mnist", "kjv_text",
]


class DataUnavailableError(RuntimeError):
    """A dataset's files or program are missing. The message names the
    Debian package(s) that provide them (``apt-get install <pkg>``, or run
    ``scripts/setup.sh``)."""


def _unavailable(what, packages, detail):
    return DataUnavailableError(
        "%s is not available: %s. It comes from the Debian package%s %s: "
        "run `apt-get install %s` (or scripts/setup.sh)."
        % (what, detail, "s" if len(packages) > 1 else "",
           " and ".join(packages), " ".join(packages)))


# --------------------------------------------------------------------------
# Fashion-MNIST
# --------------------------------------------------------------------------

#: Where ``dataset-fashion-mnist`` installs the files;
#: ``$BF16_OPT_FASHION_MNIST_DIR`` or the ``root`` argument override it.
FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
_FASHION_PACKAGE = "dataset-fashion-mnist"
_FASHION_ENV = "BF16_OPT_FASHION_MNIST_DIR"
_FASHION_PREFIX = {"train": "train", "test": "t10k"}

#: Label ``i`` is ``FASHION_MNIST_CLASSES[i]``.
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

#: Mean and standard deviation of the 60,000 training images' pixels after
#: scaling to [0, 1] (0.28604 and 0.35302, rounded): fixed constants, the
#: same for both splits, so that train and test are normalized alike.
FASHION_MNIST_MEAN = 0.2860
FASHION_MNIST_STD = 0.3530

_IDX_IMAGES = 0x00000803   # unsigned byte, 3 dimensions
_IDX_LABELS = 0x00000801   # unsigned byte, 1 dimension


def _read_exact(f, size, path, what):
    # In chunks: a corrupt header can claim terabytes, and f.read(size)
    # would allocate `size` bytes before finding out.
    chunks, left = [], size
    while left:
        chunk = f.read(min(left, 1 << 24))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left:
        raise ValueError("%s: truncated IDX file: %s needs %d bytes, found %d"
                         % (path, what, size, size - left))
    return b"".join(chunks)


def _stamp(path):
    """What identifies a version of the file ``path`` (it is part of the
    cache key, so that a rewritten file is read again)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _unavailable("Fashion-MNIST", [_FASHION_PACKAGE],
                           "%s does not exist" % path) from None
    return st.st_ino, st.st_size, st.st_mtime_ns


@functools.lru_cache(maxsize=16)
def _load_idx(path, stamp, magic, limit):
    """The first ``limit`` (None: all) records of the gzip IDX file ``path``
    as a read-only uint8 array [n, *dims], and the record count of its
    header. Cached per process by the arguments; ``stamp`` is
    ``_stamp(path)``."""
    ndim = magic & 0xFF
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise _unavailable("Fashion-MNIST", [_FASHION_PACKAGE],
                           "%s does not exist" % path) from None
    with raw, gzip.GzipFile(fileobj=raw, mode="rb") as f:
        try:
            (found,) = struct.unpack(">I", _read_exact(f, 4, path, "magic"))
            if found != magic:
                raise ValueError(
                    "%s: not an IDX %s file: magic number 0x%08x, expected "
                    "0x%08x" % (path, "image" if ndim == 3 else "label",
                                found, magic))
            dims = struct.unpack(">%dI" % ndim,
                                 _read_exact(f, 4 * ndim, path, "header"))
            if dims[1:] != (28, 28)[:ndim - 1]:
                raise ValueError("%s: images are %s, expected 28x28"
                                 % (path, "x".join(map(str, dims[1:]))))
            count = dims[0]
            n = count if limit is None else min(limit, count)
            record = 28 * 28 if ndim == 3 else 1
            body = _read_exact(f, n * record, path,
                               "%d of %d records" % (n, count))
            if n == count and f.read(1):
                raise ValueError("%s: trailing data after the %d records of "
                                 "the IDX header" % (path, count))
        except (OSError, EOFError, zlib.error) as e:
            raise ValueError("%s: corrupt gzip stream: %s" % (path, e)) \
                from None
    array = np.frombuffer(body, dtype=np.uint8).reshape((n,) + dims[1:])
    if ndim == 1 and n and array.max() >= len(FASHION_MNIST_CLASSES):
        raise ValueError("%s: label %d out of range 0-9"
                         % (path, array.max()))
    array.flags.writeable = False
    return array, count


def fashion_mnist(split="train", root=None, limit=None):
    """Fashion-MNIST ``(images, labels)`` of ``split`` ("train": 60,000
    examples, "test": 10,000).

    ``images`` is a float32 tensor [N, 1, 28, 28]: the uint8 pixels divided
    by 255, then ``(x - FASHION_MNIST_MEAN) / FASHION_MNIST_STD``.
    ``labels`` is an int64 tensor [N] of class indices 0-9
    (:data:`FASHION_MNIST_CLASSES`). Both are new tensors at every call.

    The files ``{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`` are read
    from ``root``, else ``$BF16_OPT_FASHION_MNIST_DIR``, else
    :data:`FASHION_MNIST_DIR`. ``limit`` keeps the first ``limit``
    examples (all if it exceeds N) and decompresses only those. The decoded
    arrays are cached per process (keyed by path, inode, size and mtime).

    Raises :class:`DataUnavailableError` if a file is missing and
    :class:`ValueError` for a bad ``split``/``limit`` or a corrupt file
    (bad magic number or dimensions, truncated data, bad gzip stream,
    label out of range, image and label counts that differ)."""
    if split not in _FASHION_PREFIX:
        raise ValueError("split must be 'train' or 'test', not %r" % (split,))
    if limit is not None and (not isinstance(limit, int)
                              or isinstance(limit, bool) or limit < 0):
        raise ValueError("limit must be None or an int >= 0, not %r"
                         % (limit,))
    if root is None:
        root = os.environ.get(_FASHION_ENV) or FASHION_MNIST_DIR
    prefix = os.path.join(os.fspath(root), _FASHION_PREFIX[split])
    image_path = prefix + "-images-idx3-ubyte.gz"
    label_path = prefix + "-labels-idx1-ubyte.gz"
    image_stamp, label_stamp = _stamp(image_path), _stamp(label_path)
    images, image_count = _load_idx(image_path, image_stamp, _IDX_IMAGES,
                                    limit)
    labels, label_count = _load_idx(label_path, label_stamp, _IDX_LABELS,
                                    limit)
    if image_count != label_count:
        raise ValueError("%s has %d images but %s has %d labels"
                         % (image_path, image_count, label_path, label_count))
    x = torch.from_numpy(images.astype(np.float32).reshape(-1, 1, 28, 28))
    x.div_(255.0).sub_(FASHION_MNIST_MEAN).div_(FASHION_MNIST_STD)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


# --------------------------------------------------------------------------
# King James Bible
# --------------------------------------------------------------------------

_BIBLE_PACKAGES = ["bible-kjv", "bible-kjv-text"]
# The whole text. The output is one verse per line, each line starting with
# its reference ("Ge1:1 In the beginning ...", "1Sm3:4 ...") because -f
# toggles the pretty-printing (chapter headings, verse numbers, line
# wrapping) that is on by default.
_BIBLE_ARGS = ["-f", "Gen1:1-Rev22:21"]
_VERSE_REF = re.compile(r"\d?[A-Za-z]+\d+:\d+ ")
_KJV_VERSES = 31102


@functools.lru_cache(maxsize=4)
def _run_bible(program):
    # cwd="/": bible looks for bible.data in the current directory first.
    proc = subprocess.run([program] + _BIBLE_ARGS, cwd="/",
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    stderr = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        if "Cannot open data file" in stderr:
            raise _unavailable("The King James Bible text", _BIBLE_PACKAGES,
                               "%s: %s" % (program, stderr))
        raise RuntimeError("%s %s exited with status %d: %s"
                           % (program, " ".join(_BIBLE_ARGS),
                              proc.returncode, stderr))
    lines = proc.stdout.decode("utf-8").splitlines()
    verses = []
    for number, line in enumerate(lines, 1):
        ref = _VERSE_REF.match(line)
        if ref is None:
            raise RuntimeError("%s %s: line %d is not '<reference> <verse>': "
                               "%r" % (program, " ".join(_BIBLE_ARGS), number,
                                       line[:80]))
        verses.append(line[ref.end():])
    if len(verses) != _KJV_VERSES:
        raise RuntimeError("%s %s printed %d verses, expected %d"
                           % (program, " ".join(_BIBLE_ARGS), len(verses),
                              _KJV_VERSES))
    return "\n".join(verses) + "\n"


def kjv_text(program="bible"):
    """The King James Bible (Genesis 1:1 to Revelation 22:21) as one str:
    31,102 verses, one per line (each ends with "\\n"), without the verse
    references; about 4.1 million ASCII characters.

    It is what ``bible -f Gen1:1-Rev22:21`` prints (``bible-kjv``, data in
    ``bible-kjv-text``) with the leading reference of each line removed.
    ``program`` is the ``bible`` executable, looked up on ``PATH``. Cached
    per process. Raises :class:`DataUnavailableError` if the program or its
    data file is missing, :class:`RuntimeError` if it fails otherwise or
    prints something unexpected."""
    path = shutil.which(program)
    if path is None:
        raise _unavailable("The King James Bible text", _BIBLE_PACKAGES,
                           "program %r not found on PATH" % (program,))
    return _run_bible(path)


CharCorpus = collections.namedtuple(
    "CharCorpus", ["vocab", "encode", "decode", "train", "val"])
CharCorpus.__doc__ = """A character-level corpus (:func:`char_corpus`).

vocab: sorted list of the distinct characters; token ``i`` is ``vocab[i]``.
encode(str) -> numpy int64 array of token ids (ValueError for a character
    outside ``vocab``).
decode(ids) -> str, for a 1-D sequence of ids (list, array or tensor).
train, val: int64 tensors, the encoded text split contiguously."""


def char_corpus(text=None, val_fraction=0.1):
    """A :class:`CharCorpus` of ``text`` (default: :func:`kjv_text`).

    With ``N = len(text)`` and ``n_val = int(N * val_fraction)``, ``train``
    is the encoding of ``text[:N - n_val]`` and ``val`` of the last
    ``n_val`` characters. ``val_fraction`` must be in [0, 1)."""
    if not 0 <= val_fraction < 1:
        raise ValueError("val_fraction must be in [0, 1), not %r"
                         % (val_fraction,))
    if text is None:
        text = kjv_text()
    vocab = sorted(set(text))
    points = np.array([ord(c) for c in vocab], dtype=np.uint32)

    def encode(s):
        codes = np.frombuffer(s.encode("utf-32-le"), dtype="<u4")
        ids = np.searchsorted(points, codes)
        if len(points):
            bad = points[np.minimum(ids, len(points) - 1)] != codes
        else:
            bad = np.ones(len(codes), dtype=bool)
        if bad.any():
            raise ValueError("character %r is not in the vocabulary"
                             % s[int(np.argmax(bad))])
        return ids.astype(np.int64)

    def decode(ids):
        if isinstance(ids, torch.Tensor):
            ids = ids.detach().cpu().numpy()
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim > 1:
            raise ValueError("decode takes a 1-D sequence, not shape %s"
                             % (ids.shape,))
        ids = ids.reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= len(vocab)):
            raise ValueError("token id out of range 0-%d" % (len(vocab) - 1))
        return points[ids].astype("<u4").tobytes().decode("utf-32-le")

    data = torch.from_numpy(encode(text))
    n_val = int(len(text) * val_fraction)
    split = len(text) - n_val
    return CharCorpus(vocab, encode, decode, data[:split].clone(),
                      data[split:].clone())


# --------------------------------------------------------------------------
# Deterministic batching
# --------------------------------------------------------------------------

def _check_int(name, value, minimum):
    if not isinstance(value, int) or isinstance(value, bool) \
            or value < minimum:
        raise ValueError("%s must be an int >= %d, not %r"
                         % (name, minimum, value))


def _raw_stream(seed, epoch, count):
    """``count`` uint64 outputs of PCG64 seeded with SeedSequence([seed,
    epoch]). numpy guarantees this stream across versions and platforms
    (unlike Generator's methods, whose algorithms may change)."""
    _check_int("seed", seed, 0)
    _check_int("epoch", epoch, 0)
    bits = np.random.PCG64(np.random.SeedSequence([seed, epoch]))
    return bits.random_raw(count)


def batches(n, batch_size, seed, epoch=0, drop_last=True):
    """Iterator over the batches of one epoch: int64 index tensors of
    ``batch_size`` indices of ``range(n)``, each index at most once.

    The order is a permutation of ``range(n)`` that depends only on
    ``(seed, epoch)`` (non-negative ints): the stable argsort of ``n``
    64-bit outputs of numpy's PCG64 seeded with ``SeedSequence([seed,
    epoch])``, so it is the same in every run, on every machine and with
    any global RNG state. Use a new ``epoch`` for a new order.
    ``drop_last`` drops the last ``n % batch_size`` indices; otherwise they
    form a last, smaller batch."""
    _check_int("n", n, 0)
    _check_int("batch_size", batch_size, 1)
    order = torch.from_numpy(
        np.argsort(_raw_stream(seed, epoch, n), kind="stable")
        .astype(np.int64))
    stop = n - n % batch_size if drop_last else n

    def generate():
        for start in range(0, stop, batch_size):
            yield order[start:start + batch_size]
    return generate()


def char_batches(data, seq_len, batch_size, seed, epoch=0):
    """Iterator over ``len(data) // (seq_len * batch_size)`` batches of
    random windows of the 1-D integer sequence ``data`` (a tensor, array
    or list of token ids): ``(x, y)`` int64 tensors [batch_size, seq_len]
    with ``x[i] = data[s : s + seq_len]`` and ``y[i] = data[s + 1 : s +
    seq_len + 1]`` (the next token of each position) for a window start
    ``s``.

    The starts are 64-bit outputs of numpy's PCG64 seeded with
    ``SeedSequence([seed, epoch])`` reduced modulo ``len(data) - seq_len``:
    the same in every run and on every machine; windows may overlap and
    repeat. ``data`` needs at least ``seq_len + 1`` tokens."""
    data = torch.as_tensor(data)
    if data.dim() != 1 or data.dtype.is_floating_point \
            or data.dtype.is_complex or data.dtype == torch.bool:
        raise ValueError("data must be a 1-D integer sequence, not %s %s"
                         % (tuple(data.shape), data.dtype))
    data = data.to(torch.int64)
    _check_int("seq_len", seq_len, 1)
    _check_int("batch_size", batch_size, 1)
    if len(data) < seq_len + 1:
        raise ValueError("data has %d tokens; a window of seq_len=%d needs "
                         "%d" % (len(data), seq_len, seq_len + 1))
    count = len(data) // (seq_len * batch_size)
    raw = _raw_stream(seed, epoch, count * batch_size)
    starts = torch.from_numpy(
        (raw % np.uint64(len(data) - seq_len)).astype(np.int64))
    offsets = torch.arange(seq_len + 1, dtype=torch.int64)

    def generate():
        for b in range(count):
            window = data[starts[b * batch_size:(b + 1) * batch_size, None]
                          + offsets]
            yield window[:, :-1].contiguous(), window[:, 1:].contiguous()
    return generate()
