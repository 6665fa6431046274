#!/usr/bin/python3
"""crash_safety.py - acknowledged registrations survive kill -9 of strata-registry.

Usage: crash_safety.py SERVER [--cycles N] [--seed S] [--clients C] [--subjects K]

Runs N cycles (default 20) on one data directory. Each cycle starts SERVER on
127.0.0.1:0, runs C client threads (default 6, one keep-alive http.client
connection each) that register schemas across K subjects (default 5), and kills
the server with SIGKILL at a random moment 10-300 ms into the load. Every
registration the server acknowledged (200 with an id) is recorded: subject,
schema, id, version.

After every restart (and once more after the last cycle) the test checks:
  * every acknowledged registration is there: GET /subjects/{s}/versions/{v}
    returns the same id and the same schema, and GET /schemas/ids/{id} returns it;
  * re-registering an acknowledged schema returned the recorded id (and, in its own
    subject, the recorded version) while the server was running;
  * ids are unique per distinct schema across all subjects: one schema, one id;
    one id, one schema;
  * the versions of every subject are contiguous from 1, a version once seen never
    disappears or changes its id, no subject holds the same schema twice, and every
    stored schema is one a client sent.

Most registrations are new schemas; some re-register an acknowledged schema in
another subject (must reuse its id) or in its own subject (must return the same
id and version). Every schema is a record crash.Event with one long field with a
default, so any two are compatible under every compatibility level.

The seed (default 20240611, or STRATA_CRASH_SEED) is printed at the start; it fixes
the kill times and the clients' choices (thread scheduling still varies). Exits 1
with a list of violations on any failure, 0 when every check passes.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

CTYPE = "application/vnd.schemaregistry.v1+json"
LISTEN_RE = re.compile(r"^strata-registry listening on http://127\.0\.0\.1:(\d+)$")
START_TIMEOUT = 60.0
DEFAULT_SEED = 20240611


class Failure(Exception):
    """A violation of the durability or consistency rules; the message says which."""


def schema_text(n):
    """The submitted text of distinct schema number n (already in compact canonical form)."""
    return json.dumps(
        {
            "type": "record",
            "name": "Event",
            "namespace": "crash",
            "fields": [{"name": "f%d" % n, "type": "long", "default": 0}],
        },
        separators=(",", ":"),
    )


class Server:
    """One strata-registry process on a fixed data file."""

    def __init__(self, binary, data, log_path):
        self.binary = binary
        self.data = data
        self.log_path = log_path
        self.proc = None
        self.port = None

    def start(self):
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [self.binary, "--listen", "127.0.0.1:0", "--data", self.data],
                stdout=subprocess.PIPE,
                stderr=log,
                stdin=subprocess.DEVNULL,
            )
        finally:
            log.close()
        line = self._read_line()
        m = LISTEN_RE.match(line)
        if m is None:
            self.proc.kill()
            self.proc.wait()
            raise Failure(
                "server did not start: expected 'strata-registry listening on http://127.0.0.1:PORT'"
                ", got %r (exit status %s)\n%s" % (line, self.proc.returncode, self.log_tail())
            )
        self.port = int(m.group(1))
        # keep draining stdout so the server can never block writing to it
        threading.Thread(target=self._drain, args=(self.proc.stdout,), daemon=True).start()

    def _read_line(self):
        result = []

        def read():
            result.append(self.proc.stdout.readline().decode("utf-8", "replace").rstrip("\r\n"))

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(START_TIMEOUT)
        if t.is_alive():
            self.proc.kill()
            self.proc.wait()
            raise Failure(
                "server printed no 'listening' line within %.0f s\n%s" % (START_TIMEOUT, self.log_tail())
            )
        return result[0]

    @staticmethod
    def _drain(stream):
        while stream.read(4096):
            pass

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure("server did not exit within 30 s of SIGTERM")

    def log_tail(self):
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return "(no server log)"
        lines = text.splitlines()[-20:]
        return "server stderr (last %d lines):\n  %s" % (len(lines), "\n  ".join(lines))


class NoDelayConnection(http.client.HTTPConnection):
    """An HTTP connection with Nagle's algorithm off, as real clients use."""

    def connect(self):
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Client:
    """A keep-alive JSON client (one connection)."""

    def __init__(self, port, timeout=15.0):
        self.conn = NoDelayConnection("127.0.0.1", port, timeout=timeout)

    def call(self, method, path, body=None):
        data = None
        headers = {"Accept": CTYPE}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = CTYPE
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        try:
            value = json.loads(raw) if raw else None
        except ValueError:
            raise Failure("%s %s: %d with a body that is not JSON: %r" % (method, path, resp.status, raw[:200]))
        return resp.status, value

    def close(self):
        self.conn.close()


class State:
    """Everything learned so far, across cycles."""

    def __init__(self, nsubjects):
        self.lock = threading.Lock()
        self.subjects = ["crash-%d-value" % i for i in range(nsubjects)]
        self.next_schema = 1
        self.sent = {}  # schema text -> schema number, for every schema any client sent
        self.acked = []  # [subject, text, id, version or None, cycle, verified]
        self.acked_pair = {}  # (subject, text) -> index into acked
        self.schema_id = {}  # text -> id (acknowledged or stored)
        self.id_schema = {}  # id -> text
        self.canonical = {}  # submitted text -> canonical text the server returns
        self.versions = {}  # (subject, version) -> id, every version seen stored
        self.violations = []

    def violation(self, msg):
        with self.lock:
            self.violations.append(msg)

    def new_schema(self):
        with self.lock:
            n = self.next_schema
            self.next_schema += 1
            text = schema_text(n)
            self.sent[text] = n
            return text

    def bind(self, text, sid, where):
        """Records that text has id sid; a second id for it, or a second schema for the id, is a
        violation. Caller holds the lock."""
        old = self.schema_id.get(text)
        if old is not None and old != sid:
            self.violations.append(
                "schema %s has two ids: %d and %d (%s)" % (self.label(text), old, sid, where)
            )
        self.schema_id.setdefault(text, sid)
        other = self.id_schema.get(sid)
        if other is not None and other != text:
            self.violations.append(
                "id %d is used for two schemas: %s and %s (%s)"
                % (sid, self.label(other), self.label(text), where)
            )
        self.id_schema.setdefault(sid, text)

    def label(self, text):
        n = self.sent.get(text)
        return "#%d" % n if n is not None else repr(text[:120])


def load(state, port, cycle, rng_seed, stop_event, killed_event, errors):
    """One client thread: registers until the server dies."""
    rng = random.Random(rng_seed)
    client = Client(port)
    try:
        while not stop_event.is_set():
            subject = rng.choice(state.subjects)
            roll = rng.random()
            expect_version = None
            with state.lock:
                pool = len(state.acked)
                pick = state.acked[rng.randrange(pool)] if pool else None
            if pick is None or roll < 0.75:
                text = state.new_schema()
            elif roll < 0.9:
                text = pick[1]  # an acknowledged schema, maybe in another subject
            else:
                subject, text = pick[0], pick[1]  # again in its own subject
            with state.lock:
                known_id = state.schema_id.get(text)
                idx = state.acked_pair.get((subject, text))
                if idx is not None:
                    expect_version = state.acked[idx][3]
            path = "/subjects/%s/versions" % subject
            try:
                status, body = client.call("POST", path, {"schema": text})
            except (OSError, http.client.HTTPException) as e:
                if killed_event.is_set():
                    return
                errors.append("cycle %d: POST %s failed before the kill: %r" % (cycle, path, e))
                return
            if status != 200 or not isinstance(body, dict) or not isinstance(body.get("id"), int):
                errors.append(
                    "cycle %d: POST %s (schema %s): expected 200 with an integer id, got %d %r"
                    % (cycle, path, state.label(text), status, body)
                )
                return
            sid = body["id"]
            version = body.get("version")
            if version is not None and not isinstance(version, int):
                errors.append("cycle %d: POST %s: version is not an integer: %r" % (cycle, path, body))
                return
            where = "acknowledged POST %s in cycle %d" % (path, cycle)
            with state.lock:
                if known_id is not None and sid != known_id:
                    state.violations.append(
                        "re-registering schema %s returned id %d, it had id %d (%s)"
                        % (state.label(text), sid, known_id, where)
                    )
                if expect_version is not None and version is not None and version != expect_version:
                    state.violations.append(
                        "re-registering schema %s in %s returned version %d, it was version %d (%s)"
                        % (state.label(text), subject, version, expect_version, where)
                    )
                state.bind(text, sid, where)
                if isinstance(body.get("schema"), str):
                    check_canonical(state, text, body["schema"], where)
                idx = state.acked_pair.get((subject, text))
                if idx is None:
                    state.acked_pair[(subject, text)] = len(state.acked)
                    state.acked.append([subject, text, sid, version, cycle, False])
                else:
                    rec = state.acked[idx]
                    if rec[3] is None:
                        rec[3] = version
                    elif version is not None and version != rec[3]:
                        state.violations.append(
                            "schema %s in %s acknowledged as version %d and as version %d"
                            % (state.label(text), subject, rec[3], version)
                        )
    finally:
        client.close()


def check_canonical(state, text, returned, where):
    """The server's schema text must be the same JSON as the submitted one and always the same
    string. Caller holds the lock."""
    try:
        same = json.loads(returned) == json.loads(text)
    except ValueError:
        same = False
    if not same:
        state.violations.append(
            "schema %s came back as a different schema %r (%s)" % (state.label(text), returned[:200], where)
        )
        return
    old = state.canonical.setdefault(text, returned)
    if old != returned:
        state.violations.append(
            "schema %s has two canonical texts: %r and %r (%s)" % (state.label(text), old, returned, where)
        )


def verify(state, port, cycle, rng, full):
    """Checks the restarted server against everything recorded. Raises Failure on violations."""
    c = Client(port, timeout=30.0)
    checked = 0
    try:
        where = "after restart %d" % cycle

        def get(path):
            status, body = c.call("GET", path)
            return status, body

        # 1. every acknowledged registration (new ones, plus a sample of old ones or all of them)
        todo = [r for r in state.acked if not r[5]]
        old = [r for r in state.acked if r[5]]
        todo += old if full else rng.sample(old, min(40, len(old)))
        for rec in todo:
            subject, text, sid, version = rec[0], rec[1], rec[2], rec[3]
            if version is None:  # the register response had no version: look it up
                status, body = c.call("POST", "/subjects/%s" % subject, {"schema": text})
                if status != 200 or not isinstance(body, dict) or not isinstance(body.get("version"), int):
                    state.violation(
                        "acknowledged schema %s (id %d) in %s is missing %s: lookup gave %d %r"
                        % (state.label(text), sid, subject, where, status, body)
                    )
                    continue
                version = rec[3] = body["version"]
            path = "/subjects/%s/versions/%d" % (subject, version)
            status, body = get(path)
            checked += 1
            if status != 200 or not isinstance(body, dict):
                state.violation(
                    "acknowledged registration lost %s: %s (schema %s, id %d, acknowledged in cycle %d)"
                    " gave %d %r" % (where, path, state.label(text), sid, rec[4], status, body)
                )
                continue
            if body.get("id") != sid:
                state.violation(
                    "%s %s: id %r, acknowledged as id %d (schema %s, cycle %d)"
                    % (where, path, body.get("id"), sid, state.label(text), rec[4])
                )
            with state.lock:
                check_canonical(state, text, str(body.get("schema")), "%s %s" % (where, path))
            status, body = get("/schemas/ids/%d" % sid)
            checked += 1
            if status != 200 or not isinstance(body, dict):
                state.violation(
                    "%s GET /schemas/ids/%d (schema %s) gave %d %r" % (where, sid, state.label(text), status, body)
                )
                continue
            with state.lock:
                check_canonical(state, text, str(body.get("schema")), "%s GET /schemas/ids/%d" % (where, sid))
            rec[5] = True

        # 2. the structure of every subject: contiguous versions, stable ids, one schema one id
        for subject in state.subjects:
            known = sorted(v for (s, v) in state.versions if s == subject)
            status, body = get("/subjects/%s/versions" % subject)
            checked += 1
            if status == 404 and not known and not any(r[0] == subject for r in state.acked):
                continue  # never registered to (and nothing acknowledged)
            if status != 200 or not isinstance(body, list):
                state.violation("%s GET /subjects/%s/versions gave %d %r" % (where, subject, status, body))
                continue
            if body != list(range(1, len(body) + 1)):
                state.violation("%s versions of %s are not contiguous from 1: %r" % (where, subject, body))
            if known and len(body) < known[-1]:
                state.violation(
                    "%s %s has %d versions, version %d was seen stored before" % (where, subject, len(body), known[-1])
                )
            recheck = set(rng.sample(known, min(10, len(known)))) if not full else set(known)
            seen_ids = {}
            for v in body:
                if not isinstance(v, int):
                    continue
                prev = state.versions.get((subject, v))
                if prev is not None and v not in recheck:
                    seen_ids.setdefault(prev, v)
                    continue
                path = "/subjects/%s/versions/%d" % (subject, v)
                status, vb = get(path)
                checked += 1
                if status != 200 or not isinstance(vb, dict) or not isinstance(vb.get("id"), int):
                    state.violation("%s %s gave %d %r" % (where, path, status, vb))
                    continue
                sid = vb["id"]
                if prev is not None and prev != sid:
                    state.violation("%s %s maps to id %d, it mapped to id %d before" % (where, path, sid, prev))
                state.versions[(subject, v)] = sid
                if sid in seen_ids and seen_ids[sid] != v:
                    state.violation(
                        "%s %s holds id %d at versions %d and %d" % (where, subject, sid, seen_ids[sid], v)
                    )
                seen_ids.setdefault(sid, v)
                stored = vb.get("schema")
                match = None
                if isinstance(stored, str):
                    try:
                        parsed = json.loads(stored)
                        match = next(
                            (t for t in candidates(state, parsed) if json.loads(t) == parsed), None
                        )
                    except ValueError:
                        match = None
                if match is None:
                    state.violation("%s %s holds a schema no client sent: %r" % (where, path, stored))
                    continue
                with state.lock:
                    state.bind(match, sid, "%s %s" % (where, path))
                    check_canonical(state, match, stored, "%s %s" % (where, path))
    finally:
        c.close()
    return checked


def candidates(state, parsed):
    """Submitted texts that could equal the parsed stored schema (found by its field name)."""
    try:
        name = parsed["fields"][0]["name"]
        n = int(name[1:])
    except (KeyError, IndexError, TypeError, ValueError):
        return list(state.sent)
    return [schema_text(n)] if schema_text(n) in state.sent else []


def raise_if_violations(state, cycle, seed, server):
    if state.violations:
        lines = state.violations[:25]
        more = len(state.violations) - len(lines)
        raise Failure(
            "%d violation(s) (cycle %d, seed %d):\n  %s%s\n%s"
            % (
                len(state.violations),
                cycle,
                seed,
                "\n  ".join(lines),
                "\n  ... and %d more" % more if more > 0 else "",
                server.log_tail(),
            )
        )


def run(args):
    seed = args.seed
    print("crash_safety: seed %d (rerun with --seed %d), %d cycles, %d clients, %d subjects"
          % (seed, seed, args.cycles, args.clients, args.subjects), flush=True)
    rng = random.Random(seed)
    state = State(args.subjects)
    tmp = tempfile.mkdtemp(prefix="strata-crash-")
    ok = False
    server = Server(args.server, os.path.join(tmp, "data", "strata.db"), os.path.join(tmp, "server.log"))
    started = time.monotonic()
    try:
        for cycle in range(1, args.cycles + 1):
            server.start()
            checked = verify(state, server.port, cycle, rng, full=False)
            raise_if_violations(state, cycle, seed, server)
            before = len(state.acked)
            stop_event = threading.Event()
            killed_event = threading.Event()
            errors = []
            threads = [
                threading.Thread(
                    target=load,
                    args=(state, server.port, cycle, rng.randrange(1 << 30), stop_event, killed_event, errors),
                )
                for _ in range(args.clients)
            ]
            delay = rng.uniform(0.010, 0.300)
            for t in threads:
                t.start()
            time.sleep(delay)
            killed_event.set()
            server.kill9()
            stop_event.set()
            for t in threads:
                t.join(60)
                if t.is_alive():
                    raise Failure("cycle %d: a client thread did not finish 60 s after the kill" % cycle)
            if errors:
                state.violations.extend(errors)
            raise_if_violations(state, cycle, seed, server)
            print(
                "cycle %2d: verified %4d requests after restart; killed after %3.0f ms with %3d new"
                " acknowledged registrations (%d in all, %d versions seen)"
                % (cycle, checked, delay * 1000, len(state.acked) - before, len(state.acked), len(state.versions)),
                flush=True,
            )
        # the last restart: check everything
        server.start()
        checked = verify(state, server.port, args.cycles + 1, rng, full=True)
        raise_if_violations(state, args.cycles + 1, seed, server)
        rc = server.terminate()
        if rc != 0:
            raise Failure("server exited with status %d after SIGTERM (expected 0)\n%s" % (rc, server.log_tail()))
        if len(state.acked) < 20:
            raise Failure(
                "only %d registrations were acknowledged in %d cycles: too few to test anything"
                % (len(state.acked), args.cycles)
            )
        ids = set(state.schema_id.values())
        print(
            "crash_safety: OK: %d acknowledged registrations (%d distinct ids, %d versions in %d subjects)"
            " survived %d kills; final check %d requests; %.1f s"
            % (len(state.acked), len(ids), len(state.versions), len(state.subjects), args.cycles, checked,
               time.monotonic() - started)
        )
        ok = True
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        if ok or not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("crash_safety: data kept in %s" % tmp, file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("server", help="path of the strata-registry binary")
    p.add_argument("--cycles", type=int, default=20)
    p.add_argument("--seed", type=int, default=int(os.environ.get("STRATA_CRASH_SEED", DEFAULT_SEED)))
    p.add_argument("--clients", type=int, default=6)
    p.add_argument("--subjects", type=int, default=5)
    p.add_argument("--keep", action="store_true", help="keep the data directory when the test fails")
    args = p.parse_args()
    if not os.access(args.server, os.X_OK):
        print("crash_safety: FAIL: %s is not an executable" % args.server, file=sys.stderr)
        return 1
    try:
        run(args)
    except Failure as e:
        print("crash_safety: FAIL: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
