#!/usr/bin/python3
"""Export -> import round trip between two strata-registry instances (issue 4).

usage: test_roundtrip.py --server STRATA_REGISTRY --strata STRATA

Starts two fresh registries A and B (tests/interop/registry_process.py), fills A over its
REST API with subjects of several versions, references between subjects (one referrer with a
lower id than the version it references, so that only a dependency order works), soft-deleted
versions and a fully soft-deleted subject, metadata and a rule set, a schema shared by two
subjects, subject, context and global configs and modes, and a non-default context. Then:

  1. `strata import` of A's export into B while B is in READWRITE mode fails (exit 1) with a
     message that asks for IMPORT mode, and writes nothing;
  2. B is switched to IMPORT on the .__GLOBAL context (this covers every context), which is
     the documented way to prepare a target; `strata export` from A and `strata import` into
     B both exit 0 and print their summaries;
  3. every subject, version, id, schema text, reference, metadata, rule set, deleted flag,
     referencedby list, config and mode (subject, context, .__GLOBAL and global) of B equals
     A's; the import re-applied A's modes, so B is READWRITE again like A;
  4. a second import of the same export changes nothing and reports every version as already
     present; the next registration gets the same new id in A and B.

On the way, the progress of an export whose stderr is a terminal (a pseudo-terminal here) is
checked to be a bar redrawn in place, and that of one whose stderr is a pipe plain lines.

Only the standard library is used. Exits 0 when everything matched, 1 otherwise.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
from registry_process import Registry, RegistryError  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"


class Failure(Exception):
    pass


def q(segment):
    return urllib.parse.quote(segment, safe="")


def call(base, method, path, body=None):
    """(status, parsed JSON body) of one request."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": CT, "Accept": CT})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    text = raw.decode("utf-8")
    return status, (json.loads(text) if text.strip() else None)


def ok(base, method, path, body=None):
    status, data = call(base, method, path, body)
    if status != 200:
        raise Failure("%s %s%s -> %d %s (body %s)" % (method, base, path, status, data,
                                                     json.dumps(body)))
    return data


def avro(obj):
    return json.dumps(obj, separators=(",", ":"))


def record(name, namespace, fields):
    return avro({"type": "record", "name": name, "namespace": namespace, "fields": fields})


def register(base, subject, schema, **extra):
    body = {"schema": schema}
    body.update(extra)
    return ok(base, "POST", "/subjects/%s/versions" % q(subject), body)


def fill(a):
    """Registers the source data in A; returns nothing (everything is read back later)."""
    # A subject with three versions; version 2 is soft-deleted later.
    f_id = {"name": "id", "type": "long"}
    f_name = {"name": "name", "type": "string", "default": ""}
    f_mail = {"name": "email", "type": ["null", "string"], "default": None}
    register(a, "users-value", record("User", "com.example", [f_id]))
    register(a, "users-value", record("User", "com.example", [f_id, f_name]))
    register(a, "users-value", record("User", "com.example", [f_id, f_name, f_mail]))
    # The same schema under another subject shares its id (one schema file, two versions).
    register(a, "users-copy", record("User", "com.example", [f_id]))

    # References: inner has two versions; outer references v1, outer2 references "latest".
    inner_v1 = record("Inner", "com.example.shared", [{"name": "x", "type": "int"}])
    inner_v2 = record("Inner", "com.example.shared",
                      [{"name": "x", "type": "int"}, {"name": "z", "type": "int", "default": 0}])
    register(a, "inner", inner_v1)
    register(a, "inner", inner_v2)
    register(a, "outer", record("Outer", "com.example.app",
                                [{"name": "inner", "type": "com.example.shared.Inner"}]),
             references=[{"name": "com.example.shared.Inner", "subject": "inner", "version": 1}])
    register(a, "outer2", record("Outer2", "com.example.app",
                                 [{"name": "i", "type": "com.example.shared.Inner"},
                                  {"name": "y", "type": "string"}]),
             references=[{"name": "com.example.shared.Inner", "subject": "inner", "version": -1}])
    # A chain base <- mid <- top: mid references base, top references mid.
    register(a, "base", record("Base", "com.example.chain", [{"name": "b", "type": "int"}]))
    register(a, "mid", record("Mid", "com.example.chain2",
                              [{"name": "base", "type": "com.example.chain.Base"}]),
             references=[{"name": "com.example.chain.Base", "subject": "base", "version": 1}])
    register(a, "top", record("Top", "com.example.chain3",
                              [{"name": "mid", "type": "com.example.chain2.Mid"}]),
             references=[{"name": "com.example.chain2.Mid", "subject": "mid", "version": 1}])

    # A referrer whose id (7000) is lower than its target's (9000): ids ascending would
    # register it first and fail; the import must order by dependencies. Written through
    # subject-level IMPORT modes, which stay set (dep-referrer) or are removed (dep-target).
    ok(a, "PUT", "/mode/dep-target", {"mode": "IMPORT"})
    ok(a, "PUT", "/mode/dep-referrer", {"mode": "IMPORT"})
    register(a, "dep-target", record("Target", "com.example.dep", [{"name": "t", "type": "int"}]),
             id=9000, version=1)
    register(a, "dep-referrer", record("Referrer", "com.example.dep2",
                                       [{"name": "t", "type": "com.example.dep.Target"}]),
             id=7000, version=3,
             references=[{"name": "com.example.dep.Target", "subject": "dep-target",
                          "version": 1}])
    ok(a, "DELETE", "/mode/dep-target")

    # Metadata and a rule set.
    register(a, "contract-value", record("Order", "com.example.orders",
                                         [{"name": "id", "type": "string"}]),
             metadata={"properties": {"owner": "team-orders", "application.major.version": "1"},
                       "tags": {"id": ["PII"]}},
             ruleSet={"domainRules": [{"name": "idNotEmpty", "kind": "CONDITION", "mode": "WRITE",
                                       "type": "CEL", "expr": "message.id != ''"}]})

    # A non-default context with two versions and a config of its own.
    register(a, ":.team-a:orders-value", record("Order", "com.team_a", [{"name": "n", "type": "int"}]))
    register(a, ":.team-a:orders-value", record("Order", "com.team_a",
                                                [{"name": "n", "type": "int"},
                                                 {"name": "m", "type": "int", "default": 1}]))
    ok(a, "PUT", "/config/%s" % q(":.team-a:"), {"compatibility": "FORWARD"})

    # Soft deletes: one version, and a whole subject of two versions.
    ok(a, "DELETE", "/subjects/users-value/versions/2")
    register(a, "gone-value", "\"string\"")
    register(a, "gone-value", "\"bytes\"")
    ok(a, "PUT", "/config/gone-value", {"compatibility": "NONE"})
    ok(a, "DELETE", "/subjects/gone-value")

    # Subject configs and modes, then the global config (last: it would refuse the above).
    ok(a, "PUT", "/config/users-value", {"compatibility": "FULL"})
    ok(a, "PUT", "/config/outer", {"compatibility": "NONE", "normalize": True})
    register(a, "frozen-value", "\"int\"")
    ok(a, "PUT", "/mode/frozen-value", {"mode": "READONLY"})
    ok(a, "PUT", "/config", {"compatibility": "FULL_TRANSITIVE"})


def subjects_of(base):
    return ok(base, "GET", "/subjects?deleted=true")


def snapshot(base):
    """Everything the round trip must preserve, read through the standard endpoints."""
    snap = {}

    def get(path):
        snap[path] = call(base, "GET", path)

    subjects = subjects_of(base)
    get("/subjects?deleted=true")
    get("/subjects")
    get("/contexts")
    for scope in ("", "/%s" % q(":.team-a:"), "/%s" % q(":.__GLOBAL:")):
        get("/config" + scope)
        get("/mode" + scope)
    for s in subjects:
        qs = q(s)
        get("/config/%s" % qs)
        get("/mode/%s" % qs)
        get("/subjects/%s/versions" % qs)
        get("/subjects/%s/versions?deleted=true" % qs)
        for v in ok(base, "GET", "/subjects/%s/versions?deleted=true" % qs):
            status, data = call(base, "GET", "/subjects/%s/versions/%d?deleted=true" % (qs, v))
            if status == 200:
                data.pop("ts", None)  # the registration time is not part of the copy
            snap["version %s %d" % (s, v)] = (status, data)
            status, data = call(base, "GET", "/schemas/ids/%d?subject=%s" % (data["id"], qs))
            if status == 200:
                data.pop("ts", None)
            snap["id of %s %d" % (s, v)] = (status, data)
            get("/subjects/%s/versions/%d/referencedby?deleted=true" % (qs, v))
    return snap


def compare(a_snap, b_snap):
    problems = []
    for key in sorted(set(a_snap) | set(b_snap)):
        if a_snap.get(key) != b_snap.get(key):
            problems.append("%s:\n    A: %s\n    B: %s" % (key, a_snap.get(key), b_snap.get(key)))
    return problems


def strata(binary, *args):
    proc = subprocess.run([binary] + list(args), stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def strata_on_terminal(binary, *args):
    """(exit status, stdout, what the terminal on stderr got) of one run."""
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen([binary] + list(args), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        out = proc.stdout.read().decode()
        proc.stdout.close()
        rc = proc.wait(timeout=120)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return rc, out, b"".join(chunks).decode()


def expect(cond, what, detail=""):
    if not cond:
        raise Failure(what + ("\n" + detail if detail else ""))


def run(strata_bin, a, b, workdir):
    fill(a)
    export_dir = os.path.join(workdir, "export")
    source = snapshot(a)
    expect(source["version dep-referrer 3"][1]["id"] == 7000 and
           source["version dep-target 1"][1]["id"] == 9000, "A holds the explicit ids")

    # Export: every subject and version, one file per distinct schema.
    rc, out, err = strata(strata_bin, "--registry", a, "export", export_dir)
    expect(rc == 0, "strata export exit status %d" % rc, out + err)
    expect("exporting: %d/%d subjects (100%%)\n" % (len(subjects_of(a)), len(subjects_of(a)))
           in err and "\r" not in err, "plain progress lines on a pipe", err)
    nsubjects = len(subjects_of(a))
    nversions = sum(len(ok(a, "GET", "/subjects/%s/versions?deleted=true" % q(s)))
                    for s in subjects_of(a))
    m = re.fullmatch(r"exported (\d+) subjects, (\d+) versions, (\d+) schemas to (.*)\n", out)
    expect(m is not None, "export summary line", out)
    expect(int(m.group(1)) == nsubjects and int(m.group(2)) == nversions,
           "export counts %s/%s, A has %d subjects and %d versions"
           % (m.group(1), m.group(2), nsubjects, nversions))
    # users-value v1 and users-copy v1 share an id: one schema file fewer than versions.
    expect(int(m.group(3)) == nversions - 1, "distinct schemas %s of %d versions"
           % (m.group(3), nversions))
    with open(os.path.join(export_dir, "index.json")) as f:
        index = json.load(f)
    expect(index["format"] == "strata-export" and index["formatVersion"] == 1, "index format")
    files = {v["file"] for s in index["subjects"] for v in s["versions"]}
    for name in files:
        expect(os.path.isfile(os.path.join(export_dir, name)), "schema file %s exists" % name)
    expect(any(name.startswith("contexts/team-a/schemas/") for name in files),
           "the context's schemas have their own folder", repr(sorted(files)))

    # On a terminal the progress is one bar redrawn in place, not lines.
    rc, out, term = strata_on_terminal(strata_bin, "--registry", a, "export", "--force",
                                       export_dir)
    expect(rc == 0 and out.startswith("exported %d subjects" % nsubjects),
           "export on a terminal: exit status %d" % rc, out + term)
    expect("\r\033[Kexporting [" in term and "] 100%% %d/%d subjects" % (nsubjects, nsubjects)
           in term and "exporting: " not in term, "a progress bar on the terminal", repr(term))

    # 1. B in READWRITE: refused before anything is written.
    rc, out, err = strata(strata_bin, "--registry", b, "import", export_dir)
    expect(rc == 1, "import into a READWRITE registry: exit status %d, expected 1" % rc, out + err)
    expect("IMPORT mode" in err and "READWRITE" in err, "the error asks for IMPORT mode", err)
    expect(subjects_of(b) == [], "nothing was written to B", repr(subjects_of(b)))

    # 2. B in IMPORT (every context), then the import.
    ok(b, "PUT", "/mode/%s" % q(":.__GLOBAL:"), {"mode": "IMPORT"})
    rc, out, err = strata(strata_bin, "--registry", b, "import", export_dir)
    expect(rc == 0, "strata import exit status %d" % rc, out + err)
    expect(out.startswith("imported %d subjects, %d versions, %s schemas from %s: %d registered, "
                          "0 already present, " % (nsubjects, nversions, m.group(3), export_dir,
                                                   nversions)),
           "import summary", out)

    # 3. B equals A.
    problems = compare(source, snapshot(b))
    expect(not problems, "B differs from A after the import:", "\n".join(problems))

    # 4. Again: nothing changes, everything is already present.
    rc, out, err = strata(strata_bin, "--registry", b, "import", "--quiet", export_dir)
    expect(rc == 0, "second import exit status %d" % rc, out + err)
    expect(": 0 registered, %d already present, 0 soft-deleted, 0 configs and 0 modes set\n"
           % nversions in out, "second import summary", out)
    expect(err == "", "--quiet prints nothing on stderr", err)
    problems = compare(source, snapshot(b))
    expect(not problems, "B differs from A after the second import:", "\n".join(problems))

    # The id sequence continues alike: the next new schema gets the same id in A and B.
    new_schema = record("Fresh", "com.example.fresh", [{"name": "f", "type": "int"}])
    id_a = register(a, "fresh-value", new_schema)["id"]
    id_b = register(b, "fresh-value", new_schema)["id"]
    expect(id_a == id_b and id_a > 9000, "next id after the import: A %s, B %s" % (id_a, id_b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--strata", required=True)
    args = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="strata-roundtrip-")
    a = Registry(args.server)
    b = Registry(args.server)
    failed = False
    try:
        a.start()
        b.start()
        run(args.strata, a.url, b.url, workdir)
        print("PASS roundtrip: every subject, version, id, schema, reference, config and mode "
              "of A is in B")
    except (Failure, RegistryError) as e:
        print("FAIL roundtrip: %s" % e)
        failed = True
    finally:
        for name, reg in (("A", a), ("B", b)):
            problem = reg.stop()
            if problem:
                print("FAIL: registry %s: %s" % (name, problem))
                failed = True
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
