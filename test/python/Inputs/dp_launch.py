"""Launches dp_check.py on 2 local processes with torch.distributed.run on a
free loopback port (docs/Distributed.md). Extra arguments go to the
launcher before the script (for example --nproc_per_node=3)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    env = dict(os.environ)
    env["GLOO_SOCKET_IFNAME"] = "lo"       # loopback only
    # dp_check.py imports the frontend tests' models.
    tests = os.path.join(HERE, "..", "..", "..", "python", "tests", "frontend")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (env.get("PYTHONPATH"), os.path.normpath(tests)) if p)
    env["BF16_NUM_THREADS"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    for attempt in range(3):   # the port may be taken between probe and use
        # torch 1.13 on Python 3.11 cannot parse the default --redirects=0
        # --tee=0 (Std.from_str returns None: IntFlag iteration skips 0), so
        # stderr is redirected and teed (=2); stdout stays the console.
        logs = tempfile.mkdtemp(prefix="dp_launch_")
        cmd = [sys.executable, "-m", "torch.distributed.run",
               "--nproc_per_node=2", "--nnodes=1", "--master_addr=127.0.0.1",
               "--master_port=%d" % free_port(), "--redirects=2", "--tee=2",
               "--log_dir=" + logs] + sys.argv[1:] + \
              [os.path.join(HERE, "dp_check.py")]
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(proc.stdout)
        shutil.rmtree(logs, ignore_errors=True)
        if proc.returncode == 0 or "Address already in use" not in proc.stdout:
            return proc.returncode
        print("port taken; retrying (%d)" % (attempt + 1))
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
