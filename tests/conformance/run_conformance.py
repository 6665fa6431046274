#!/usr/bin/python3
"""Run the converted AxonOps REST scenarios (cases.json) against strata-registry.

usage: run_conformance.py SERVER_BINARY [--cases FILE] [--known FILE] [--jobs N]
                          [--only SUBSTRING] [--verbose]

Every scenario gets a fresh server (127.0.0.1:0, temporary database): several scenarios change
the global compatibility level or mode, so they cannot share one. Steps run in order; a
scenario fails at its first unmet expectation. Prints the failing scenarios with the reason,
then "N passed, M failed, K skipped".

Exit status 0 when every converted scenario passes, except those listed in
known_divergences.json ({"<scenario name>": "<reason>", ...}). A listed scenario that passes
is reported as stale and also fails the run, so the list stays true.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "interop"))
from registry_process import Registry, RegistryError  # noqa: E402

HEADERS = {"Content-Type": "application/vnd.schemaregistry.v1+json",
           "Accept": "application/vnd.schemaregistry.v1+json"}


class StepFailed(Exception):
    pass


def render(v):
    """A JSON value as text the way the upstream steps print it (3.0 -> "3")."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Response:
    def __init__(self, status, body):
        self.status = status
        self.body = body
        self.text = body.decode("utf-8", "replace")
        self.obj = None
        self.arr = None
        if body[:1] == b"{":
            try:
                v = json.loads(self.text)
                self.obj = v if isinstance(v, dict) else None
            except ValueError:
                pass
        elif body[:1] == b"[":
            try:
                v = json.loads(self.text)
                self.arr = v if isinstance(v, list) else None
            except ValueError:
                pass

    def excerpt(self, limit=400):
        t = self.text.strip()
        return t if len(t) <= limit else t[:limit] + "..."

    def field(self, name):
        if self.obj is None:
            raise StepFailed("no JSON object in the response: %s" % self.excerpt())
        if name not in self.obj:
            raise StepFailed("field %r missing: %s" % (name, self.excerpt()))
        return self.obj[name]


def request(url, method, path, body):
    host_port = url[len("http://"):]
    conn = http.client.HTTPConnection(host_port, timeout=60)
    try:
        data = None if body is None else json.dumps(body).encode("utf-8")
        conn.request(method, path, body=data, headers=HEADERS)
        r = conn.getresponse()
        return Response(r.status, r.read())
    finally:
        conn.close()


def check_step(step, resp, stored):
    """Raises StepFailed at the first unmet expectation of `step` on `resp`."""
    want = step.get("expect_status")
    if want is not None and resp.status != want:
        raise StepFailed("expected status %d, got %d: %s" % (want, resp.status, resp.excerpt()))
    if "expect_error_code" in step:
        got = resp.field("error_code")
        if not is_number(got) or int(got) != step["expect_error_code"]:
            raise StepFailed("expected error_code %d, got %s: %s"
                             % (step["expect_error_code"], render(got), resp.excerpt()))
    for name, want in step.get("expect_json_subset", {}).items():
        got = resp.field(name)
        if isinstance(want, bool):
            ok = isinstance(got, bool) and got == want
        elif isinstance(want, int):
            ok = is_number(got) and int(got) == want
        else:
            ok = isinstance(got, str) and got == want
        if not ok:
            raise StepFailed("field %r: expected %s, got %s: %s"
                             % (name, json.dumps(want), json.dumps(got), resp.excerpt()))
    for name in step.get("expect_fields", []):
        resp.field(name)
    for name in step.get("expect_no_fields", []):
        if resp.obj is not None and name in resp.obj:
            raise StepFailed("field %r should be absent: %s" % (name, resp.excerpt()))
    for text in step.get("expect_body_contains", []):
        if text not in resp.text:
            raise StepFailed("body does not contain %r: %s" % (text, resp.excerpt()))
    for text in step.get("expect_body_not_contains", []):
        if text in resp.text:
            raise StepFailed("body should not contain %r: %s" % (text, resp.excerpt()))
    if "expect_array_length" in step:
        n = step["expect_array_length"]
        empty_ok = n == 0 and resp.text.strip() in ("", "null", "[]")
        if not empty_ok and (resp.arr is None or len(resp.arr) != n):
            raise StepFailed("expected a JSON array of length %d: %s" % (n, resp.excerpt()))
    for text in step.get("expect_array_contains", []):
        if resp.arr is None or text not in [render(v) for v in resp.arr]:
            raise StepFailed("array does not contain %r: %s" % (text, resp.excerpt()))
    for name, n in step.get("expect_field_array_length", {}).items():
        got = resp.field(name)
        if not isinstance(got, list) or len(got) != n:
            raise StepFailed("field %r should be an array of length %d: %s"
                             % (name, n, resp.excerpt()))
    for name, key in step.get("expect_field_equals_stored", {}).items():
        if key not in stored:
            raise StepFailed("nothing stored as %r" % key)
        got = resp.field(name)
        if got != stored[key]:
            raise StepFailed("field %r: expected the stored %s = %s, got %s"
                             % (name, key, render(stored[key]), render(got)))
    for name, key in step.get("expect_field_not_equals_stored", {}).items():
        if key not in stored:
            raise StepFailed("nothing stored as %r" % key)
        got = resp.field(name)
        if got == stored[key]:
            raise StepFailed("field %r should differ from the stored %s = %s"
                             % (name, key, render(stored[key])))
    for key, name in step.get("store", {}).items():
        stored[key] = resp.field(name)


def substitute(path, stored):
    for key, val in stored.items():
        path = path.replace("{{%s}}" % key, render(val))
    return path


def run_scenario(binary, case, verbose):
    """Returns None when the scenario passed, else the reason it failed."""
    reg = Registry(binary)
    try:
        reg.start()
    except RegistryError as e:
        return "server did not start: %s" % e
    reason = None
    stored = {}
    try:
        for step in case["steps"]:
            path = substitute(step["path"], stored)
            where = "line %d: %s %s" % (step["line"], step["method"], path)
            try:
                resp = request(reg.url, step["method"], path, step.get("body"))
            except (OSError, http.client.HTTPException) as e:
                reason = "%s: request failed: %s" % (where, e)
                if not reg.alive():
                    reason += "\n      server died; stderr tail:\n" + reg.stderr_tail(1500)
                break
            if verbose:
                print("    %s -> %d %s" % (where, resp.status, resp.excerpt(200)))
            try:
                check_step(step, resp, stored)
            except StepFailed as e:
                reason = "%s: %s" % (where, e)
                break
    finally:
        problem = reg.stop()
    if problem and reason is None:
        reason = "server shutdown: %s" % problem
    elif problem:
        reason += "\n      and at shutdown: %s" % problem
    return reason


def main():
    ap = argparse.ArgumentParser(description="Run tests/conformance/cases.json against a server")
    ap.add_argument("server", help="path of the strata-registry binary")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.json"))
    ap.add_argument("--known", default=os.path.join(HERE, "known_divergences.json"))
    ap.add_argument("--jobs", type=int, default=2, help="scenarios run in parallel")
    ap.add_argument("--only", help="run only scenarios whose name contains this text")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every request")
    args = ap.parse_args()

    with open(args.cases, encoding="utf-8") as f:
        cases = json.load(f)
    with open(args.known, encoding="utf-8") as f:
        known = json.load(f)
    scenarios = cases["scenarios"]
    if args.only:
        scenarios = [s for s in scenarios if args.only in s["name"]]
    names = {s["name"] for s in cases["scenarios"]}
    unknown = sorted(k for k in known if k not in names)

    jobs = 1 if args.verbose else max(1, args.jobs)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda c: run_scenario(args.server, c, args.verbose), scenarios))

    passed, failed, diverged, stale = [], [], [], []
    for case, reason in zip(scenarios, results):
        if reason is None:
            (stale if case["name"] in known else passed).append(case)
        elif case["name"] in known:
            diverged.append((case, reason))
        else:
            failed.append((case, reason))

    for case, reason in failed:
        print("FAIL %s (%s:%d \"%s\")\n      %s"
              % (case["name"], case["file"], case["line"], case["title"], reason))
    for case, reason in diverged:
        print("known divergence %s: %s\n      %s"
              % (case["name"], known[case["name"]], reason.split("\n")[0]))
    for case in stale:
        print("STALE %s passes now; remove it from %s" % (case["name"], args.known))
    for name in unknown:
        print("STALE %s in %s is not a scenario of %s" % (name, args.known, args.cases))

    skipped = cases["skipped"] if not args.only else \
        [s for s in cases["skipped"] if args.only in s["name"]]
    by_reason = {}
    for s in skipped:
        r = s["reason"]
        r = r.split(" (")[0] if "format not in this issue" in r else r.split(" POST ")[0]
        by_reason[r] = by_reason.get(r, 0) + 1
    for r, n in sorted(by_reason.items()):
        print("  %3d %s" % (n, r))
    extra = ""
    if diverged:
        extra += ", %d known divergences" % len(diverged)
    if stale or unknown:
        extra += ", %d stale known_divergences entries" % (len(stale) + len(unknown))
    print("%d passed, %d failed, %d skipped%s" % (len(passed), len(failed), len(skipped), extra))
    return 1 if failed or stale or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
