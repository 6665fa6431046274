#!/usr/bin/python3
"""Run one interop client program against a fresh strata-registry.

usage: run_with_registry.py --server PATH [--timeout SECONDS] -- PROGRAM [ARGS...]

Starts the server (127.0.0.1:0, temporary database), runs PROGRAM with STRATA_REGISTRY_URL set
to the server's base URL, then stops the server with SIGTERM. Exits 0 only when the program
exited 0 and the server shut down cleanly (status 0); otherwise prints what went wrong,
including the tail of the server's stderr.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from registry_process import Registry, RegistryError  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True, help="path of the strata-registry binary")
    ap.add_argument("--timeout", type=float, default=300, help="limit for PROGRAM, seconds")
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    program = args.program
    if program and program[0] == "--":
        program = program[1:]
    if not program:
        ap.error("no PROGRAM given")

    reg = Registry(args.server)
    try:
        reg.start()
    except RegistryError as e:
        print("FAIL: could not start strata-registry: %s" % e)
        return 1
    print("strata-registry at %s" % reg.url, flush=True)

    env = dict(os.environ, STRATA_REGISTRY_URL=reg.url)
    failed = False
    try:
        rc = subprocess.call(program, env=env, timeout=args.timeout)
        if rc != 0:
            print("FAIL: %s exited with status %d" % (os.path.basename(program[-1]), rc))
            failed = True
    except subprocess.TimeoutExpired:
        print("FAIL: %s did not finish within %.0fs" % (program[-1], args.timeout))
        failed = True
    except OSError as e:
        print("FAIL: cannot run %s: %s" % (program[0], e))
        failed = True

    alive = reg.alive()
    tail = reg.stderr_tail()
    problem = reg.stop()
    if problem:
        print("FAIL: %s" % problem)
        failed = True
    elif failed:
        if not alive:
            print("note: the server was no longer running when the client finished")
        if tail.strip():
            print("server stderr tail:\n" + tail)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
