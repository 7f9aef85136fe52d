"""How the mutation fuzzer (fuzz.py) classifies one tool run, and the
signature that names a finding across mutants.

A run is a finding when it
  * crashes: killed by a signal, exit code >= 128, or any crash banner of
    LLVM on stderr (`PLEASE submit a bug report`, `Stack dump:`, a failed
    assertion, `LLVM ERROR:`, `UNREACHABLE executed`) or of glibc's heap
    checks (`corrupted size vs. prev_size`, `free(): invalid pointer`,
    ...), even if the process then hangs in its crash handler;
  * hangs: does not finish within its timeout, and not within twice the
    timeout on a second try, with no crash banner on stderr;
  * exits non-zero without an `error:` diagnostic (a silent exit);
  * exits 0 but prints IR that `bf16-opt` (no passes) cannot parse back.

The signature of a finding is one line, `<kind> | <tool> | <detail>`, with
the numbers, SSA names, symbols and paths of the detail normalized, so that
the same bug reached from different mutants gets the same signature. The
known-finding lists (known-upstream.txt, known-open.txt) hold globs over
signatures, in which only `*` and `?` are wildcards.

Uses the standard library and bf16_opt.testing.
"""

import os
import re

from bf16_opt import testing

ASSERT_RE = re.compile(r"Assertion [`'](.+?)' failed")
ASSERT_FILE_RE = re.compile(r"([\w.+-]+\.(?:cpp|h|hpp|inc|cc)):\d+:")
LLVM_ERROR_RE = re.compile(r"LLVM ERROR: (.*)")
UNREACHABLE_RE = re.compile(r"UNREACHABLE executed(?: at [^\n]*)?")
UNREACHABLE_MSG_RE = re.compile(r"^(.*)\n?.*UNREACHABLE executed", re.M)
BANNERS = ("PLEASE submit a bug report", "Stack dump:")
# glibc's heap checks abort with one of these (the process may then hang in
# the crash handler, which calls malloc).
GLIBC_RE = re.compile(r"^((?:free|malloc|realloc|munmap_chunk|malloc_consolidate"
                      r"|_int_malloc|_int_free)\(\)[^\n]*|double free or "
                      r"corruption[^\n]*|corrupted [^\n]*)$", re.M)
# `#3 0x00007f... name (module+0x...)`, the name being optional.
FRAME_RE = re.compile(
    r"^\s*#\d+ 0x[0-9a-f]+(?: (.*?))??(?:\s*\(([^()]*)\))?\s*$")
# Pretty stack trace entries after `Stack dump:`: `1.\tMLIR Parser: ...`.
PRETTY_RE = re.compile(r"^(\d+)\.\t(.*)$")
# Frames that belong to the crash machinery, not to the bug.
BORING_FRAME = re.compile(
    r"llvm::sys::|SignalHandler|__restore_rt|^raise$|^abort$|__pthread_kill|"
    r"^gsignal|__assert_fail|llvm::report_fatal_error|"
    r"llvm::llvm_unreachable_internal|^_start$|__libc_start|__libc_message|"
    r"^_int_free|^_int_malloc|^cfree$|^free$|^malloc$")
ERROR_RE = re.compile(r"\berror:")


def normalize(text):
    """Strips what varies between mutants that hit the same bug."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)
    text = re.sub(r"(?:/[\w.+-]+)+/([\w.+-]+)", r"\1", text)  # paths
    text = re.sub(r"0x[0-9a-fA-F]+", "\x01", text)
    text = re.sub(r"%[\w$.-]+", "%V", text)
    text = re.sub(r"@[\w$.-]+", "@S", text)
    text = re.sub(r"\^bb\d+", "^bbN", text)
    # Numbers, but not the digits of names and types (bf16, f32, i64).
    text = re.sub(r"(?:(?<!\w)|(?<=\dx)|(?<=\?x))\d+", "N", text)
    text = text.replace("\x01", "0xN")
    text = re.sub(r"\s+", " ", text)
    return text.strip()


def _frames(stderr):
    names = []
    for line in stderr.splitlines():
        m = FRAME_RE.match(line)
        if not m:
            continue
        # Drop a source location (`raise ./signal/raise.c:27:6`).
        name = re.sub(r" \S+:\d+(?::\d+)?$", "", (m.group(1) or "").strip())
        if not name or name.startswith("(") or BORING_FRAME.search(name):
            continue
        names.append(name)
    return names


def _crashed_in_jit(stderr):
    """Whether the frame that received the signal (the one after the
    signal trampoline in libc) has neither a symbol nor a module, as in
    code that the ExecutionEngine compiled."""
    after_trampoline = False
    for line in stderr.splitlines():
        m = FRAME_RE.match(line)
        if not m:
            continue
        name, module = (m.group(1) or "").strip(), m.group(2)
        if after_trampoline:
            return not name and not module
        if not name and module and "libc.so" in module:
            after_trampoline = True
    return False


def _pretty_context(stderr):
    """The innermost pretty-stack-trace entry (parser op, pass, action),
    without `Program arguments`."""
    entries = []
    in_dump = False
    for line in stderr.splitlines():
        if line.startswith("Stack dump:"):
            in_dump = True
            continue
        if in_dump:
            m = PRETTY_RE.match(line)
            if m:
                if not m.group(2).startswith("Program arguments"):
                    entries.append(m.group(2))
            elif line.lstrip().startswith("#"):
                break
    return normalize(entries[-1]) if entries else ""


def crash_detail(rc, stderr):
    """The detail part of a crash signature, or None if the run did not
    crash."""
    m = ASSERT_RE.search(stderr)
    if m:
        f = ASSERT_FILE_RE.search(stderr[:m.start()].rsplit("\n", 1)[-1])
        where = (" in " + f.group(1)) if f else ""
        return "assertion `%s'%s" % (normalize(m.group(1)), where)
    m = LLVM_ERROR_RE.search(stderr)
    if m:
        return "LLVM ERROR: " + normalize(m.group(1))
    m = UNREACHABLE_RE.search(stderr)
    if m:
        before = stderr[:m.start()].rstrip().rsplit("\n", 1)[-1]
        return "UNREACHABLE: " + normalize(before or m.group(0))
    m = GLIBC_RE.search(stderr)
    if m:
        return "glibc: " + normalize(m.group(1))
    crashed = rc < 0 or rc >= 128 or any(b in stderr for b in BANNERS)
    if not crashed:
        return None
    if rc < 0:
        what = testing.describe_signal(-rc)
    elif rc >= 128:
        what = testing.describe_signal(rc - 128)
    else:
        what = "crash banner (exit %d)" % rc
    frames = _frames(stderr)
    if _crashed_in_jit(stderr):
        frames = ["JIT-compiled code"]
    parts = [what]
    ctx = _pretty_context(stderr)
    if ctx:
        parts.append("[" + ctx + "]")
    if frames:
        parts.append("in " + normalize(frames[0]))
        # Recursion (stack overflow) shows the same frame many times.
        if len(frames) > 200:
            parts.append("(deep recursion)")
    return " ".join(parts)


def first_error(stderr):
    """The first `error:` message, normalized, without its location."""
    for line in stderr.splitlines():
        m = ERROR_RE.search(line)
        if m:
            return normalize(line[m.end():])
    return ""


def first_error_raw(stderr):
    """The first line with `error:`, as it is (for logs)."""
    for line in stderr.splitlines():
        if ERROR_RE.search(line):
            return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", line).strip()
    return ""


def first_line(stderr):
    for line in stderr.splitlines():
        if line.strip():
            return normalize(line)[:160]
    return "(no output)"


def signature(kind, tool, detail):
    return "%s | %s | %s" % (kind, tool, detail)


def glob_regex(glob):
    """`*` matches any text and `?` one character; everything else,
    brackets included, is literal (unlike fnmatch)."""
    return re.compile("".join(
        ".*" if c == "*" else "." if c == "?" else re.escape(c)
        for c in glob) + r"\Z", re.S)


class KnownList:
    """A list of signature globs, one per line; `#` starts a comment line.
    Each glob may be followed by `  # comment` (two spaces before #)."""

    def __init__(self, path):
        self.path = path
        self.globs = []
        if path and os.path.exists(path):
            with open(path) as f:
                for line in f:
                    line = line.rstrip("\n")
                    if not line.strip() or line.lstrip().startswith("#"):
                        continue
                    line = re.split(r"\s{2,}#", line, 1)[0].strip()
                    self.globs.append(line)
        self.hits = {g: 0 for g in self.globs}
        self.regexes = [glob_regex(g) for g in self.globs]

    def match(self, sig):
        for g, r in zip(self.globs, self.regexes):
            if r.match(sig):
                self.hits[g] += 1
                return g
        return None
