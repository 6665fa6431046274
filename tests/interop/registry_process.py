"""Start and stop a real strata-registry for a test (stdlib only).

The server is started on 127.0.0.1:0 with a fresh SQLite file in a temporary directory; with
port 0 it prints exactly one line, "strata-registry listening on http://127.0.0.1:PORT", on
stdout once it accepts connections. stop() sends SIGTERM and expects exit status 0.

Used by tests/interop/run_with_registry.py and tests/conformance/run_conformance.py.
"""

import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time

LISTEN_LINE = re.compile(r"^strata-registry listening on (http://127\.0\.0\.1:(\d+))\s*$")


class RegistryError(Exception):
    """The server could not be started or did not stop cleanly."""


class Registry:
    """One strata-registry process with its own temporary database."""

    def __init__(self, binary, start_timeout=20.0, extra_args=()):
        self.binary = binary
        self.start_timeout = start_timeout
        self.extra_args = list(extra_args)
        self.tmpdir = None
        self.proc = None
        self.url = None
        self.stderr_path = None
        self._stdout_rest = []
        self._drain = None

    def start(self):
        if not os.access(self.binary, os.X_OK):
            raise RegistryError("server binary %s is missing or not executable" % self.binary)
        self.tmpdir = tempfile.mkdtemp(prefix="strata-test-")
        self.stderr_path = os.path.join(self.tmpdir, "stderr.log")
        db = os.path.join(self.tmpdir, "strata.db")
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [self.binary, "--listen", "127.0.0.1:0", "--data", db] + self.extra_args,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        line = self._read_first_line()
        m = LISTEN_LINE.match(line)
        if not m:
            self._kill()
            raise RegistryError("unexpected first stdout line %r; stderr:\n%s"
                                % (line, self.stderr_tail()))
        self.url = m.group(1)
        # Anything else the server prints must not fill the pipe and block it.
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()
        return self

    def _read_first_line(self):
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + self.start_timeout
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                self._kill()
                raise RegistryError("no listening line within %.0fs; stderr:\n%s"
                                    % (self.start_timeout, self.stderr_tail()))
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                rc = self.proc.wait()
                raise RegistryError("server exited with status %s before listening; stderr:\n%s"
                                    % (rc, self.stderr_tail()))
            buf += chunk
        first, _, rest = buf.partition(b"\n")
        if rest:
            self._stdout_rest.append(rest)
        return first.decode("utf-8", "replace")

    def _drain_stdout(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            self._stdout_rest.append(chunk)

    def stderr_tail(self, limit=4000):
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
        except OSError:
            return ""
        return data[-limit:].decode("utf-8", "replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self, timeout=15.0):
        """SIGTERM the server; returns None when it exited 0, else a description of what went
        wrong (the process is killed in that case). Removes the temporary directory."""
        problem = None
        try:
            if self.proc is None:
                return None
            if self.proc.poll() is not None:
                problem = "server had already exited with status %s" % self.proc.returncode
            else:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    rc = self.proc.wait(timeout)
                    if rc != 0:
                        problem = "server exited with status %s after SIGTERM" % rc
                except subprocess.TimeoutExpired:
                    self._kill()
                    problem = "server did not exit within %.0fs of SIGTERM" % timeout
            if problem:
                problem += "; stderr tail:\n" + self.stderr_tail()
            return problem
        finally:
            if self.proc is not None and self.proc.stdout is not None:
                if self._drain is not None:
                    self._drain.join(2)
                self.proc.stdout.close()
            if self.tmpdir:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
                self.tmpdir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
