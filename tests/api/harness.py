"""Harness of the API suite: runs a real strata-registry and talks HTTP to it.

Every test file does

    import harness
    def test_something(t): ...
    harness.main(globals())

main() starts one server (the binary is argv[1]) on 127.0.0.1:0 with a fresh
SQLite file, runs every test_* function of the file in definition order with a
TestContext, stops the server with SIGTERM and checks that it exited with 0.
A test decorated with @harness.fresh_server(...) gets a server of its own
(started with the given extra flags) and may change global state (mode,
config). A failing test prints the request, what was expected and what came
back, and the others still run; the process exits 1 if anything failed.

Only the standard library is used.
"""

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

V1 = "application/vnd.schemaregistry.v1+json"
SR = "application/vnd.schemaregistry+json"
JSON = "application/json"

LISTEN_RE = re.compile(r"^strata-registry listening on http://127\.0\.0\.1:(\d+)\s*$")
START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0


class Failure(AssertionError):
    """An assertion of the suite failed."""


def q(subject):
    """A path segment: percent-encodes everything, including '/' and ':'."""
    return urllib.parse.quote(subject, safe="")


class Response:
    """What came back: status, headers (lower-case names), data, raw text."""

    def __init__(self, method, path, req_body, req_headers, status, headers, raw):
        self.method = method
        self.path = path
        self.req_body = req_body
        self.req_headers = req_headers
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.text = repr(raw)
        try:
            self.data = json.loads(self.text) if self.text.strip() else None
            self.is_json = bool(self.text.strip())
        except ValueError:
            self.data = self.text
            self.is_json = False

    @property
    def content_type(self):
        return self.headers.get("content-type", "")

    def describe(self):
        body = self.req_body
        if isinstance(body, bytes):
            body = body[:400].decode("utf-8", "replace")
        elif body is not None and len(body) > 400:
            body = body[:400] + "..."
        lines = ["  request:  %s %s" % (self.method, self.path)]
        if self.req_headers:
            lines.append("  headers:  %s" % self.req_headers)
        if body is not None:
            lines.append("  body:     %s" % body)
        lines.append("  response: %d %s" % (self.status, self.content_type))
        lines.append("            %s" % self.text[:1500])
        return "\n".join(lines)

    # Short forms of the checks a test makes most often.

    def expect(self, status, data=None, **kw):
        """Status must be `status`; when given, the JSON body must equal `data`."""
        expect_status(self, status)
        if data is not None:
            expect_equal(self, self.data, data, "body")
        return self

    def expect_error(self, status, error_code, message=None, message_prefix=None,
                     message_contains=None):
        expect_error(self, status, error_code, message, message_prefix, message_contains)
        return self


class Client:
    """A keep-alive HTTP/1.1 client bound to one server."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def _connect(self):
        if self.conn is not None:
            self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None, content_type=V1):
        """Sends one request. `body` may be a dict/list (sent as JSON), str or
        bytes (sent as is). `content_type` is sent when there is a body (None:
        no Content-Type header). Returns a Response."""
        hdrs = dict(headers or {})
        payload = None
        shown = None
        if body is not None:
            if isinstance(body, (dict, list)):
                shown = json.dumps(body)
                payload = shown.encode("utf-8")
            elif isinstance(body, str):
                shown = body
                payload = body.encode("utf-8")
            else:
                shown = body
                payload = body
            if content_type is not None and not any(k.lower() == "content-type" for k in hdrs):
                hdrs["Content-Type"] = content_type
        elif method in ("POST", "PUT") and "Content-Length" not in hdrs:
            hdrs["Content-Length"] = "0"
        last_exc = None
        for attempt in range(2):
            if self.conn is None or attempt == 1:
                self._connect()
            try:
                self.conn.request(method, path, body=payload, headers=hdrs)
                resp = self.conn.getresponse()
                raw = resp.read()
                rh = {k.lower(): v for k, v in resp.getheaders()}
                if rh.get("connection", "").lower() == "close":
                    self.close()
                return Response(method, path, shown, headers, resp.status, rh, raw)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady) as exc:
                # A keep-alive connection the server closed: retry once on a new one.
                last_exc = exc
                self.close()
        raise Failure("%s %s: connection failed twice: %r" % (method, path, last_exc))

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class Server:
    """One strata-registry process with its own temporary data directory."""

    def __init__(self, binary, extra_args=()):
        self.binary = os.path.abspath(binary)
        self.dir = tempfile.mkdtemp(prefix="strata-api-")
        self.db = os.path.join(self.dir, "strata.db")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self.args = [self.binary, "--listen", "127.0.0.1:0", "--data", self.db] + list(extra_args)
        self.stdout_lines = []
        self.proc = None
        self.port = None
        self._start()

    def _start(self):
        self._stderr = open(self.stderr_path, "wb")
        # Settings from the environment would change the defaults the tests expect.
        env = {k: v for k, v in os.environ.items() if not k.startswith("STRATA_")}
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL, env=env, cwd=self.dir)
        found = threading.Event()

        def reader():
            for line in iter(self.proc.stdout.readline, b""):
                text = line.decode("utf-8", "replace")
                self.stdout_lines.append(text)
                m = LISTEN_RE.match(text)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    found.set()
            found.set()

        self._reader = threading.Thread(target=reader, daemon=True)
        self._reader.start()
        found.wait(START_TIMEOUT)
        if self.port is None:
            self.proc.kill()
            self.proc.wait()
            raise Failure("server did not print its listening line within %.0fs: %s\n"
                          "  stdout: %r\n  stderr: %s" % (START_TIMEOUT, " ".join(self.args),
                                                         self.stdout_lines, self.stderr_tail()))

    def stderr_tail(self, n=3000):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return ""

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM and wait; raises Failure unless the exit status is 0."""
        try:
            if self.proc.poll() is not None:
                raise Failure("server had already exited with status %d before SIGTERM\n"
                              "  stderr: %s" % (self.proc.returncode, self.stderr_tail()))
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Failure("server did not exit within %.0fs of SIGTERM" % STOP_TIMEOUT)
            if rc != 0:
                raise Failure("server exited with status %d after SIGTERM (expected 0)\n"
                              "  stderr: %s" % (rc, self.stderr_tail()))
        finally:
            self._stderr.close()
            self._reader.join(5)
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------------------
# Assertions: each raises Failure with the request, the expectation and what
# actually came back.


def fail(resp, what):
    if resp is not None:
        raise Failure("%s\n%s" % (what, resp.describe()))
    raise Failure(what)


def expect_status(resp, status):
    if resp.status != status:
        fail(resp, "expected HTTP %d, got %d" % (status, resp.status))


def expect_equal(resp, actual, expected, what="value"):
    if actual != expected:
        fail(resp, "%s:\n  expected: %s\n  actual:   %s" % (what, json.dumps(expected),
                                                          json.dumps(actual)))


def expect_true(resp, cond, what):
    if not cond:
        fail(resp, what)


def expect_error(resp, status, error_code, message=None, message_prefix=None,
                 message_contains=None):
    """A Confluent error body {"error_code":N,"message":"..."} with a JSON content type."""
    expect_status(resp, status)
    d = resp.data
    if not resp.is_json or not isinstance(d, dict):
        fail(resp, "error body is not a JSON object")
    if set(d.keys()) != {"error_code", "message"}:
        fail(resp, "error body must have exactly error_code and message, has %s" % sorted(d))
    if d["error_code"] != error_code or type(d["error_code"]) is not int:
        fail(resp, "expected error_code %d, got %r" % (error_code, d["error_code"]))
    if not isinstance(d["message"], str):
        fail(resp, "message is not a string")
    if message is not None and d["message"] != message:
        fail(resp, "message:\n  expected: %r\n  actual:   %r" % (message, d["message"]))
    if message_prefix is not None and not d["message"].startswith(message_prefix):
        fail(resp, "message should start with %r, is %r" % (message_prefix, d["message"]))
    if message_contains is not None:
        for part in ([message_contains] if isinstance(message_contains, str)
                     else message_contains):
            if part not in d["message"]:
                fail(resp, "message should contain %r, is %r" % (part, d["message"]))
    ct = resp.content_type.split(";")[0].strip()
    if ct not in (V1, SR, JSON):
        fail(resp, "error content type should be JSON, is %r" % resp.content_type)


def expect_keys(resp, obj, required=(), forbidden=()):
    if not isinstance(obj, dict):
        fail(resp, "expected a JSON object, got %r" % (obj,))
    for k in required:
        if k not in obj:
            fail(resp, "field %r missing" % k)
    for k in forbidden:
        if k in obj:
            fail(resp, "field %r must be omitted (got %r)" % (k, obj[k]))


def expect_no_empty(resp, obj, path="$"):
    """Confluent's non-empty inclusion: no null, "", [] or {} anywhere in an entity."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if v is None or v == "" or v == [] or v == {}:
                fail(resp, "%s.%s is %r; empty values must be omitted" % (path, k, v))
            expect_no_empty(resp, v, "%s.%s" % (path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            expect_no_empty(resp, v, "%s[%d]" % (path, i))


GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def expect_schema_entity(resp, obj, subject=None, version=None, sid=None, schema=None):
    """A Schema entity (§2.1) in the 8.x shape for an Avro schema without references."""
    expect_keys(resp, obj, required=("subject", "version", "id", "schema", "schemaType"))
    if subject is not None:
        expect_equal(resp, obj["subject"], subject, "subject")
    if version is not None:
        expect_equal(resp, obj["version"], version, "version")
    if sid is not None:
        expect_equal(resp, obj["id"], sid, "id")
    if schema is not None:
        expect_equal(resp, obj["schema"], schema, "schema")
    expect_equal(resp, obj["schemaType"], "AVRO", "schemaType")
    expect_true(resp, type(obj["id"]) is int and type(obj["version"]) is int,
                "id and version must be JSON integers")
    if "guid" in obj:
        expect_true(resp, GUID_RE.match(obj["guid"]) is not None, "guid is not a UUID")
    expect_no_empty(resp, obj)


# ---------------------------------------------------------------------------
# Test context and runner.


class TestContext:
    """What a test function receives: a client, the server, unique names."""

    def __init__(self, name, server):
        self.name = name
        self.server = server
        self.client = Client(server.port)
        self._n = 0

    def subj(self, label=""):
        """A subject name nobody else in this run uses."""
        self._n += 1
        base = self.name.replace("test_", "", 1).replace("_", "-")
        return "%s-%d%s" % (base, self._n, "-" + label if label else "")

    # Shortcuts over the client.
    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, body=None, **kw):
        return self.client.post(path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.client.put(path, body, **kw)

    def delete(self, path, **kw):
        return self.client.delete(path, **kw)

    def register(self, subject, schema, expect_status=200, **fields):
        """POST /subjects/{s}/versions with {"schema": schema, **fields}; schema
        may be a dict/list/str (dicts and lists are serialised to text)."""
        body = dict(fields)
        if schema is not None:
            body["schema"] = schema if isinstance(schema, str) else json.dumps(schema)
        r = self.post("/subjects/%s/versions" % q(subject), body)
        expect_status_(r, expect_status)
        if expect_status == 200:
            expect_keys(r, r.data, required=("id",))
        return r

    def register_id(self, subject, schema, **fields):
        return self.register(subject, schema, **fields).data["id"]


expect_status_ = expect_status


def fresh_server(*extra_args):
    """Decorator: the test runs on a server of its own, started with extra_args."""
    def deco(fn):
        fn.fresh_server_args = list(extra_args)
        return fn
    return deco


def main(namespace):
    if len(sys.argv) < 2:
        print("usage: %s /path/to/strata-registry [test_name...]" % sys.argv[0], file=sys.stderr)
        sys.exit(2)
    binary = os.path.abspath(sys.argv[1])  # the server runs in its temporary directory
    only = set(sys.argv[2:])
    tests = [(n, f) for n, f in namespace.items()
             if n.startswith("test_") and callable(f) and (not only or n in only)]
    started = time.time()
    failures = []
    shared = None
    try:
        for name, fn in tests:
            t0 = time.time()
            server = None
            try:
                if hasattr(fn, "fresh_server_args"):
                    server = Server(binary, fn.fresh_server_args)
                else:
                    if shared is None or not shared.alive():
                        if shared is not None:
                            failures.append(("(shared server)",
                                             "the shared server died; stderr:\n" +
                                             shared.stderr_tail()))
                        shared = Server(binary)
                    server = shared
                ctx = TestContext(name, server)
                try:
                    fn(ctx)
                finally:
                    ctx.client.close()
                if server is not shared:
                    s, server = server, None
                    s.stop()
                print("ok   %s (%.2fs)" % (name, time.time() - t0))
            except Failure as exc:
                failures.append((name, str(exc)))
                print("FAIL %s\n%s" % (name, exc))
            except Exception:  # a bug in the test or a broken connection: still a failure
                failures.append((name, traceback.format_exc()))
                print("FAIL %s\n%s" % (name, traceback.format_exc()))
            finally:
                if server is not None and server is not shared and server.alive():
                    server.proc.kill()
                    server.proc.wait()
            sys.stdout.flush()
    finally:
        if shared is not None:
            try:
                shared.stop()
            except Failure as exc:
                failures.append(("(shared server shutdown)", str(exc)))
                print("FAIL (shared server shutdown)\n%s" % exc)
    print("%d tests, %d failed, %.1fs" % (len(tests), len(failures), time.time() - started))
    if failures:
        print("failed: " + ", ".join(n for n, _ in failures))
        sys.exit(1)
    sys.exit(0)


# ---------------------------------------------------------------------------
# Schemas the tests share.


def record(name, fields, namespace=None):
    """An Avro record schema as a dict; fields are (name, type) or (name, type, default)."""
    out = {"type": "record", "name": name}
    if namespace:
        out["namespace"] = namespace
    fl = []
    for f in fields:
        d = {"name": f[0], "type": f[1]}
        if len(f) > 2:
            d["default"] = f[2]
        fl.append(d)
    out["fields"] = fl
    return out


def compact(obj):
    """Compact JSON text of a dict, in the key order given (Avro canonical order)."""
    return json.dumps(obj, separators=(",", ":"))
