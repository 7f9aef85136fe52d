"""Shared by the robustness checkers (check-bad-input.py,
sweep-bf16-train.py): how a tool run is classified as a crash, and how its
output is made printable."""
import re
import signal

# Printed by LLVM's crash handlers and assertion machinery; never part of an
# ordinary diagnostic.
CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report", "Assertion",
                 "LLVM ERROR", "UNREACHABLE")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(line):
    """Escapes control characters (stack dumps can contain NULs)."""
    return CONTROL_CHARS.sub(lambda m: "\\x%02x" % ord(m.group(0)), line)


def describe_signal(num):
    try:
        return signal.Signals(num).name
    except ValueError:
        return "signal %d" % num


def crash_reason(rc, *outputs):
    """A description of the crash that return code `rc` and the texts
    `outputs` (stderr, stdout) show, or None."""
    if rc < 0:
        return "killed by %s (returncode %d)" % (describe_signal(-rc), rc)
    if rc >= 128:
        return "exit code %d (>= 128, i.e. 128+%s)" % (rc,
                                                      describe_signal(rc - 128))
    for marker in CRASH_MARKERS:
        if any(marker in text for text in outputs):
            return "crash banner %r in output" % marker
    return None
