"""``python -m bf16_opt <args>``: forward to the bf16-opt tool.

The arguments are passed to ``bf16-opt`` unchanged; its stdin, stdout and
stderr are those of this process, so the output IR and the diagnostics are
printed as the tool prints them. The tool's exit status is forwarded
(128 + N if it was killed by signal N, as a shell would report it).
"""

import subprocess
import sys

from .driver import Bf16OptNotFoundError, find_binary


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        binary = find_binary()
    except Bf16OptNotFoundError as e:
        print("bf16_opt: error: %s" % e, file=sys.stderr)
        return 127
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        rc = subprocess.call([binary] + argv)
    except KeyboardInterrupt:
        return 130
    if rc < 0:
        print("bf16_opt: bf16-opt was killed by signal %d" % -rc,
              file=sys.stderr)
        return 128 - rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
