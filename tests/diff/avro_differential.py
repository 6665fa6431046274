#!/usr/bin/python3
"""Differential test: Strata's Avro checker versus Apache Avro's own Python checker.

A seeded generator produces realistic schema evolutions (an "old" schema and a mutated "new"
one).  Every pair is checked in both directions:

  BACKWARD  python get_compatibility(reader=new, writer=old)
            strata compat --type avro --level BACKWARD --format json NEW OLD
  FORWARD   python get_compatibility(reader=old, writer=new)
            strata compat --type avro --level FORWARD  --format json NEW OLD

Strata follows Java's org.apache.avro.SchemaCompatibility; the Python port differs from it in a
few documented ways.  Every verdict disagreement must be recognised by one of the classifiers in
DIVERGENCES below, otherwise the test fails.  The multiset of incompatibility type names is
compared as secondary information only (it is printed, never fails the test).

Needs Debian's python3-avro (1.11): run with /usr/bin/python3.

DIVERGENCES  (kind -- why it is not a Strata bug -- how it is recognised)
---------------------------------------------------------------------------------------------------
relative-alias    Python compares a named type's aliases raw; Java qualifies a relative alias with
                  the type's namespace (alias "Old" in namespace "ns" matches writer "ns.Old").
                  Recognised when re-running Python with every relative alias namespace-qualified
                  (a rewrite that is a no-op for Java) gives Strata's verdict.
dotted-name       Python's name check compares the raw "name" attribute, which is the *full* name
                  when a schema is written {"name": "a.b.R"}; Java compares unqualified names.
                  Recognised when re-running Python with dotted names split into name+namespace
                  (same full name, a no-op for Java) gives Strata's verdict.
ambiguous-alias   A reader field whose name and aliases match two writer fields: Java throws
                  AvroRuntimeException (Confluent reports it as an incompatibility), Python silently
                  takes the first match.  Recognised structurally, with Python=compatible and
                  Strata=incompatible.
(combinations of the rewrite-based kinds are reported as "kind1+kind2")

Known but deliberately NOT generated (no semantics-preserving rewrite lets Python express it):
"namespace": "" -- Java puts the type in the null namespace; Python treats "" as absent and
inherits the enclosing namespace, so full names (and alias matches) differ.
Defaults holding an instance of a record that is still being defined (recursive records) are not
generated either: Java's parser rejects them ("Schema fields not set yet"), Python does not
validate defaults at all.

Location and message wording (Python: lower-case types, set-rendered symbols, pre-AVRO-3612
union locations) is never compared.
"""

import argparse
import collections
import copy
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor

try:
    import avro.schema
    from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
except ImportError as exc:  # pragma: no cover - environment problem, not a skip
    print(f"FAIL: cannot import avro.compatibility ({exc}); install python3-avro "
          f"(Debian package) and run with /usr/bin/python3", file=sys.stderr)
    sys.exit(1)

DEFAULT_SEED = 20261120
DEFAULT_COUNT = 1200
MIN_PAIRS = 1000

# ================================================================================================
# Schema model
#
# A schema is {"root": node, "defs": {id: definition}}.  Named types (record/enum/fixed) live in
# "defs" and appear in the tree only as {"k": "named", "id": n}; the serialiser writes the full
# definition at the first occurrence in document order and a reference afterwards, so removing a
# field never orphans a later reference.  Old and new schemas share ids, so a named type keeps its
# identity across an evolution.
#
# nodes:  {"k": "p", "t": "int", "lt": {...} | None, "boxed": bool}
#         {"k": "array", "items": node}   {"k": "map", "values": node}
#         {"k": "union", "br": [node, ...]}   {"k": "named", "id": n}
# defs:   {"k": "record", "name", "ns", "dotted", "decoy", "aliases", "doc", "shortref",
#          "fields": [{"name", "type", "has_default", "default", "aliases", "doc"}]}
#         {"k": "enum", ..., "symbols": [...], "default": sym | None}
#         {"k": "fixed", ..., "size": n, "lt": {...} | None}
# "ns" is None (inherit the enclosing namespace) or an explicit non-empty namespace string.
# ================================================================================================

PRIMS = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
RECORD_NAMES = ["User", "Address", "Order", "LineItem", "Payment", "Customer", "Event", "Header",
                "Point", "Session", "Account", "Profile", "Item", "Meta", "Node", "Entry", "Tag",
                "Device", "Location", "Price", "Audit", "Window"]
ENUM_NAMES = ["Color", "Status", "Kind", "Level", "Currency", "Suit", "Mode", "Priority", "Shape"]
FIXED_NAMES = ["Hash", "MD5", "Uuid16", "Key", "Digest", "Ip6", "Mac"]
FIELD_NAMES = ["id", "name", "email", "age", "amount", "count", "ts", "created_at", "updated",
               "active", "score", "tags", "items", "meta", "status", "kind", "note", "value",
               "payload", "ref", "parent", "children", "version", "flags", "color", "price", "qty",
               "lat", "lon", "code", "_raw", "userId", "x1"]
SYMBOLS = ["RED", "GREEN", "BLUE", "YELLOW", "BLACK", "WHITE", "A", "B", "C", "D", "E", "UNKNOWN",
           "NEW", "OPEN", "CLOSED", "PENDING", "_X", "s1"]
NAMESPACES = ["com.acme", "com.acme.v2", "org.example", "io.strata.test", "net.demo.events", "ns"]
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
INT_MIN, INT_MAX = -(1 << 31), (1 << 31) - 1
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1
PROMOTIONS = {"int": ["long", "float", "double"], "long": ["float", "double"], "float": ["double"],
              "string": ["bytes"], "bytes": ["string"]}
DEMOTIONS = {"long": ["int"], "float": ["int", "long"], "double": ["int", "long", "float"]}


class GenError(Exception):
    """The generator produced something it cannot (or must not) serialise; retry."""


def fixed_decimal_max_precision(size):
    return int(math.floor(math.log10(2 ** (8 * size - 1) - 1)))


def prim_logical(t, rng):
    """A valid logical-type annotation for primitive t, or None."""
    if t == "int":
        return rng.choice([{"logicalType": "date"}, {"logicalType": "time-millis"}])
    if t == "long":
        return rng.choice([{"logicalType": "timestamp-millis"}, {"logicalType": "timestamp-micros"},
                           {"logicalType": "time-micros"}])
    if t == "string":
        return {"logicalType": "uuid"}
    if t == "bytes":
        p = rng.randint(1, 20)
        return {"logicalType": "decimal", "precision": p, "scale": rng.randint(0, p)}
    return None


def fixed_logical(size, rng):
    if size == 12 and rng.random() < 0.5:
        return {"logicalType": "duration"}
    maxp = fixed_decimal_max_precision(size) if size >= 1 else 0
    if maxp >= 1:
        p = rng.randint(1, maxp)
        return {"logicalType": "decimal", "precision": p, "scale": rng.randint(0, p)}
    return None


def fixed_logical_ok(size, lt):
    if lt is None:
        return True
    if lt["logicalType"] == "duration":
        return size == 12
    if lt["logicalType"] == "decimal":
        return size >= 1 and 1 <= lt["precision"] <= fixed_decimal_max_precision(size)
    return False


class Gen:
    """Random schema generator/mutator bound to one rng."""

    def __init__(self, rng):
        self.rng = rng
        self.next_id = 1

    # ---------------------------------------------------------------- names
    def fresh_def_name(self, S, pool):
        used = {d["name"] for d in S["defs"].values()}
        if used and self.rng.random() < 0.04:
            same = [n for n in pool if n in used]
            if same:  # same short name, hopefully another namespace (else the emitter rejects it)
                return self.rng.choice(same)
        cands = [n for n in pool if n not in used]
        if not cands:
            n = f"{self.rng.choice(pool)}{self.rng.randint(2, 99)}"
            return n if n not in used else self.fresh_def_name(S, pool)
        return self.rng.choice(cands)

    def rand_ns(self):
        return self.rng.choice(NAMESPACES)

    def new_def(self, S, kind, **kw):
        rng = self.rng
        pool = {"record": RECORD_NAMES, "enum": ENUM_NAMES, "fixed": FIXED_NAMES}[kind]
        d = {"k": kind, "name": self.fresh_def_name(S, pool), "ns": None, "dotted": False,
             "decoy": False, "aliases": [], "doc": None, "shortref": rng.random() < 0.5}
        r = rng.random()
        if r < 0.35:
            d["ns"] = self.rand_ns()
            if rng.random() < 0.15:
                d["dotted"] = True
                d["decoy"] = rng.random() < 0.3
        if rng.random() < 0.1:
            d["doc"] = "generated " + kind
        d.update(kw)
        i = self.next_id
        self.next_id += 1
        S["defs"][i] = d
        return i

    # ---------------------------------------------------------------- types
    def prim(self, t=None, lt_prob=0.15):
        rng = self.rng
        t = t or rng.choice(PRIMS[1:] * 3 + ["null"])
        lt = prim_logical(t, rng) if rng.random() < lt_prob else None
        props = {"avro.java.string": "String"} if t == "string" and rng.random() < 0.05 else (
            {"connect.doc": "custom"} if rng.random() < 0.03 else None)
        return {"k": "p", "t": t, "lt": lt, "boxed": rng.random() < 0.1, "props": props}

    def gen_enum(self, S):
        rng = self.rng
        syms = rng.sample(SYMBOLS, rng.randint(1, 5))
        default = rng.choice(syms) if rng.random() < 0.3 else None
        return {"k": "named", "id": self.new_def(S, "enum", symbols=syms, default=default)}

    def gen_fixed(self, S):
        rng = self.rng
        size = rng.choice([1, 2, 4, 8, 12, 16, 16, 32])
        lt = fixed_logical(size, rng) if rng.random() < 0.25 else None
        return {"k": "named", "id": self.new_def(S, "fixed", size=size, lt=lt)}

    def gen_record(self, S, depth, enclosing, nfields=None):
        rng = self.rng
        rid = self.new_def(S, "record", fields=[])
        d = S["defs"][rid]
        n = nfields if nfields is not None else rng.randint(0 if rng.random() < 0.05 else 1, 5 if depth < 2 else 3)
        for _ in range(n):
            self.add_field(S, rid, depth + 1, enclosing + [rid], with_alias_prob=0.05)
        if not d["fields"] and rng.random() < 0.5:
            self.add_field(S, rid, depth + 1, enclosing + [rid])
        return {"k": "named", "id": rid}

    def existing_named(self, S, kinds):
        ids = [i for i, d in S["defs"].items() if d["k"] in kinds]
        return ids

    def gen_type(self, S, depth, enclosing, allow_union=True):
        rng = self.rng
        r = rng.random()
        if depth >= 3:
            r = r * 0.55
        if r < 0.40:
            return self.prim()
        if r < 0.48:
            return self.gen_enum(S)
        if r < 0.52:
            return self.gen_fixed(S)
        if r < 0.55:
            ids = self.existing_named(S, ("enum", "fixed"))
            if ids:
                return {"k": "named", "id": rng.choice(ids)}
            return self.prim()
        if r < 0.66 and allow_union:
            return self.gen_union(S, depth, enclosing)
        if r < 0.72:
            return {"k": "array", "items": self.gen_type(S, depth + 1, enclosing)}
        if r < 0.77:
            return {"k": "map", "values": self.gen_type(S, depth + 1, enclosing)}
        if r < 0.80 and enclosing:
            # recursion, always through an optional union or a container
            target = rng.choice(enclosing)
            ref = {"k": "named", "id": target}
            if rng.random() < 0.6:
                return {"k": "union", "br": [self.prim("null", 0), ref]}
            return {"k": "array", "items": ref} if rng.random() < 0.5 else {"k": "map", "values": ref}
        if depth < 3:
            return self.gen_record(S, depth, enclosing)
        return self.prim()

    def gen_union(self, S, depth, enclosing):
        rng = self.rng
        if rng.random() < 0.6:
            inner = self.gen_type(S, depth + 1, enclosing, allow_union=False)
            if inner["k"] == "p" and inner["t"] == "null":
                inner = self.prim("string")
            br = [self.prim("null", 0), inner]
            if rng.random() < 0.15:
                br.reverse()
            return {"k": "union", "br": br}
        n = rng.randint(1, 4)
        br = []
        for _ in range(n * 2):
            if len(br) >= n:
                break
            b = self.gen_type(S, depth + 1, enclosing, allow_union=False)
            br.append(b)
        return {"k": "union", "br": br}

    # ---------------------------------------------------------------- fields
    def fresh_field_name(self, rec):
        used = {f["name"] for f in rec["fields"]} | {a for f in rec["fields"] for a in f["aliases"]}
        cands = [n for n in FIELD_NAMES if n not in used]
        if not cands:
            return f"f{self.rng.randint(100, 999)}"
        return self.rng.choice(cands)

    def add_field(self, S, rid, depth, enclosing, with_alias_prob=0.0, pos=None):
        rng = self.rng
        rec = S["defs"][rid]
        f = {"name": self.fresh_field_name(rec), "type": self.gen_type(S, depth, enclosing),
             "has_default": False, "default": None, "aliases": [], "doc": None,
             "order": rng.choice(["ascending", "descending", "ignore"]) if rng.random() < 0.04 else None}
        if rng.random() < with_alias_prob:
            f["aliases"] = [self.fresh_field_name(rec)]
        t = f["type"]
        optional = t["k"] == "union" and t["br"] and t["br"][0]["k"] == "p" and t["br"][0]["t"] == "null"
        if rng.random() < (0.85 if optional else 0.5):
            self.set_default(S, f)
        if pos is None:
            rec["fields"].append(f)
        else:
            rec["fields"].insert(pos, f)
        return f

    def set_default(self, S, f):
        try:
            f["default"] = self.gen_default(S, f["type"], 0)
            f["has_default"] = True
        except GenError:
            f["has_default"] = False
            f["default"] = None

    # ---------------------------------------------------------------- defaults
    def gen_default(self, S, node, depth, rec=None):
        rng = self.rng
        if rec is None:
            rec = recursive_records(S)
        if depth > 6:
            raise GenError("default too deep")
        k = node["k"]
        if k == "p":
            t = node["t"]
            if t == "null":
                return None
            if t == "boolean":
                return rng.random() < 0.5
            if t == "int":
                return rng.choice([0, 1, -7, 42, INT_MAX, INT_MIN])
            if t == "long":
                return rng.choice([0, 5, -1, 1 << 40, LONG_MAX])
            if t in ("float", "double"):
                return rng.choice([0.0, 1.5, -2.25, 3, 1e10])
            if t == "bytes":
                return rng.choice(["", "abc", "\u0000\u00ff", "\u00e9"])
            if t == "string":
                return rng.choice(["", "x", "hello", "h\u00e9llo \u2603"])
        if k == "array":
            return [] if rng.random() < 0.6 else [self.gen_default(S, node["items"], depth + 1, rec)]
        if k == "map":
            return {} if rng.random() < 0.6 else {"k": self.gen_default(S, node["values"], depth + 1, rec)}
        if k == "union":
            if not node["br"]:
                raise GenError("empty union has no default")
            return self.gen_default(S, node["br"][0], depth + 1, rec)
        if k == "named":
            d = S["defs"][node["id"]]
            if d["k"] == "enum":
                return rng.choice(d["symbols"])
            if d["k"] == "fixed":
                return "".join(rng.choice("ab\u0000\u00ff") for _ in range(d["size"]))
            if node["id"] in rec:
                raise GenError("no default instances of recursive records")
            return {f["name"]: self.gen_default(S, f["type"], depth + 1, rec) for f in d["fields"]
                    if not (f["has_default"] and rng.random() < 0.2)}
        raise AssertionError(node)


def recursive_records(S):
    """Ids of record definitions that can reach themselves.  Java validates a field default
    while the enclosing records' fields are not yet set, so a default holding an instance of a
    record that is still being defined makes Java's parser fail ("Schema fields not set yet");
    the generator never puts an instance of a recursive record into a default."""
    def children(node, out):
        k = node["k"]
        if k == "array":
            children(node["items"], out)
        elif k == "map":
            children(node["values"], out)
        elif k == "union":
            for b in node["br"]:
                children(b, out)
        elif k == "named":
            out.add(node["id"])
        return out

    edges = {}
    for i, d in S["defs"].items():
        edges[i] = set()
        if d["k"] == "record":
            for f in d["fields"]:
                children(f["type"], edges[i])
    rec = set()
    for start, d in S["defs"].items():
        if d["k"] != "record":
            continue
        seen, stack = set(), list(edges[start])
        while stack:
            x = stack.pop()
            if x == start:
                rec.add(start)
                break
            if x in seen or x not in edges:
                continue
            seen.add(x)
            stack.extend(edges[x])
    return rec


def valid_default(S, node, v, depth=0, rec=None):
    """Avro (Java 1.11 Schema.isValidDefault) validity of a default value."""
    if rec is None:
        rec = recursive_records(S)
    if depth > 50:
        return False
    k = node["k"]
    if k == "p":
        t = node["t"]
        if t == "null":
            return v is None
        if t == "boolean":
            return isinstance(v, bool)
        if t == "int":
            return isinstance(v, int) and not isinstance(v, bool) and INT_MIN <= v <= INT_MAX
        if t == "long":
            return isinstance(v, int) and not isinstance(v, bool) and LONG_MIN <= v <= LONG_MAX
        if t in ("float", "double"):
            return isinstance(v, (int, float)) and not isinstance(v, bool)
        if t == "string":
            return isinstance(v, str)
        if t == "bytes":
            return isinstance(v, str) and all(ord(c) < 256 for c in v)
    if k == "array":
        return isinstance(v, list) and all(valid_default(S, node["items"], x, depth + 1, rec) for x in v)
    if k == "map":
        return isinstance(v, dict) and all(valid_default(S, node["values"], x, depth + 1, rec) for x in v.values())
    if k == "union":
        return bool(node["br"]) and valid_default(S, node["br"][0], v, depth + 1, rec)
    if k == "named":
        d = S["defs"][node["id"]]
        if d["k"] == "enum":
            return isinstance(v, str) and v in d["symbols"]
        if d["k"] == "fixed":
            return isinstance(v, str) and len(v) == d["size"] and all(ord(c) < 256 for c in v)
        if not isinstance(v, dict) or node["id"] in rec:
            return False
        for f in d["fields"]:
            if f["name"] in v:
                if not valid_default(S, f["type"], v[f["name"]], depth + 1, rec):
                    return False
            elif not f["has_default"]:
                return False
        return True
    return False


# ================================================================================================
# Serialisation (with the semantics-preserving rewrites used by the divergence classifiers)
# ================================================================================================

class Emitter:
    def __init__(self, S, qualify_aliases=False, split_dotted=False):
        self.S = S
        self.qualify_aliases = qualify_aliases
        self.split_dotted = split_dotted
        self.full = {}          # id -> full name (once emitted)
        self.fullnames = set()

    def run(self):
        return self.node(self.S["root"], None)

    def node(self, n, ns):
        k = n["k"]
        if k == "p":
            if n["lt"] or n["boxed"] or n.get("props"):
                return {"type": n["t"], **(n["lt"] or {}), **(n.get("props") or {})}
            return n["t"]
        if k == "array":
            return {"type": "array", "items": self.node(n["items"], ns)}
        if k == "map":
            return {"type": "map", "values": self.node(n["values"], ns)}
        if k == "union":
            out, keys = [], set()
            for b in n["br"]:
                if b["k"] == "union":
                    raise GenError("nested union")
                out.append(self.node(b, ns))
                key = ("named", self.full[b["id"]]) if b["k"] == "named" else (
                    b["t"] if b["k"] == "p" else b["k"])
                if key in keys:
                    raise GenError("duplicate union branch")
                keys.add(key)
            return out
        if k == "named":
            return self.named(n["id"], ns)
        raise AssertionError(n)

    def named(self, i, ns):
        d = self.S["defs"][i]
        if i in self.full:
            full = self.full[i]
            if "." in full:
                space = full.rsplit(".", 1)[0]
                if d["shortref"] and space == ns:
                    return d["name"]
                return full
            if ns is not None:
                raise GenError("null-namespace type referenced from a namespaced context")
            return full
        space = d["ns"] if d["ns"] is not None else ns
        full = f"{space}.{d['name']}" if space else d["name"]
        if full in self.fullnames:
            raise GenError(f"duplicate full name {full}")
        self.fullnames.add(full)
        self.full[i] = full
        out = {"type": d["k"]}
        if d["dotted"] and d["ns"] is not None and not self.split_dotted:
            out["name"] = full
            if d["decoy"]:
                out["namespace"] = "ignored.decoy"
        else:
            out["name"] = d["name"]
            if d["ns"] is not None:
                out["namespace"] = d["ns"]
        if d["aliases"]:
            al = list(d["aliases"])
            if self.qualify_aliases and space:
                al = [a if "." in a else f"{space}.{a}" for a in al]
            out["aliases"] = al
        if d["doc"]:
            out["doc"] = d["doc"]
        if d["k"] == "enum":
            out["symbols"] = list(d["symbols"])
            if d["default"] is not None:
                out["default"] = d["default"]
        elif d["k"] == "fixed":
            out["size"] = d["size"]
            if d["lt"]:
                out.update(d["lt"])
        else:
            names = set()
            fields = []
            for f in d["fields"]:
                if f["name"] in names:
                    raise GenError("duplicate field")
                names.add(f["name"])
                fo = {"name": f["name"], "type": self.node(f["type"], space)}
                if f["has_default"]:
                    if not valid_default(self.S, f["type"], f["default"]):
                        raise GenError(f"invalid default for {f['name']}")
                    fo["default"] = f["default"]
                if f["aliases"]:
                    fo["aliases"] = list(f["aliases"])
                if f["doc"]:
                    fo["doc"] = f["doc"]
                if f.get("order"):
                    fo["order"] = f["order"]
                fields.append(fo)
            out["fields"] = fields
        return out


def emit(S, **opts):
    return Emitter(S, **opts).run()


def check_names(S):
    for d in S["defs"].values():
        for nm in [d["name"]] + [a.rsplit(".", 1)[-1] for a in d["aliases"]]:
            if not NAME_RE.match(nm):
                raise GenError(f"bad name {nm}")
        if d["k"] == "enum":
            if len(set(d["symbols"])) != len(d["symbols"]) or not d["symbols"]:
                raise GenError("bad symbols")
            if d["default"] is not None and d["default"] not in d["symbols"]:
                raise GenError("bad enum default")
        if d["k"] == "fixed" and not fixed_logical_ok(d["size"], d["lt"]):
            raise GenError("bad fixed logical type")
        if d["k"] == "record":
            for f in d["fields"]:
                for nm in [f["name"]] + f["aliases"]:
                    if not NAME_RE.match(nm):
                        raise GenError(f"bad field name {nm}")


# ================================================================================================
# Mutations (each returns a short description, or None when not applicable)
# ================================================================================================

def reachable(S):
    """Ids of defs reachable from the root, and every type slot (container, key) in the tree."""
    ids, slots, seen = [], [], set()

    def walk(container, key):
        n = container[key]
        slots.append((container, key))
        k = n["k"]
        if k == "array":
            walk(n, "items")
        elif k == "map":
            walk(n, "values")
        elif k == "union":
            for j in range(len(n["br"])):
                walk(n["br"], j)
        elif k == "named" and n["id"] not in seen:
            seen.add(n["id"])
            ids.append(n["id"])
            d = S["defs"][n["id"]]
            if d["k"] == "record":
                for f in d["fields"]:
                    walk(f, "type")

    walk(S, "root")
    return ids, slots


class Mutator:
    def __init__(self, gen, S):
        self.g = gen
        self.rng = gen.rng
        self.S = S
        self.ids, self.slots = reachable(S)

    def defs_of(self, kind):
        return [i for i in self.ids if self.S["defs"][i]["k"] == kind]

    def pick_record(self):
        r = self.defs_of("record")
        return self.rng.choice(r) if r else None

    def pick_field(self):
        recs = [i for i in self.defs_of("record") if self.S["defs"][i]["fields"]]
        if not recs:
            return None, None
        rid = self.rng.choice(recs)
        return rid, self.rng.choice(self.S["defs"][rid]["fields"])

    # -- record fields ------------------------------------------------------------------------
    def m_add_field(self):
        rid = self.pick_record()
        if rid is None:
            return None
        rec = self.S["defs"][rid]
        f = self.g.add_field(self.S, rid, 1, [rid], with_alias_prob=0.1,
                             pos=self.rng.randint(0, len(rec["fields"])))
        return f"add field {rec['name']}.{f['name']} (default={f['has_default']})"

    def m_remove_field(self):
        rid, f = self.pick_field()
        if f is None:
            return None
        rec = self.S["defs"][rid]
        rec["fields"].remove(f)
        return f"remove field {rec['name']}.{f['name']} (had default={f['has_default']})"

    def m_rename_field(self):
        rid, f = self.pick_field()
        if f is None:
            return None
        rec = self.S["defs"][rid]
        old = f["name"]
        f["name"] = self.g.fresh_field_name(rec)
        how = self.rng.random()
        if how < 0.55:
            f["aliases"] = [a for a in f["aliases"] if a != f["name"]] + [old]
            return f"rename field {old}->{f['name']} with alias"
        if how < 0.7 and f["aliases"]:
            f["aliases"] = []
        return f"rename field {old}->{f['name']} without alias (default={f['has_default']})"

    def m_field_alias(self):
        rid, f = self.pick_field()
        if f is None:
            return None
        rec = self.S["defs"][rid]
        r = self.rng.random()
        if r < 0.25 and len(rec["fields"]) > 1:
            # an alias naming another existing field: ambiguous for the Java checker
            other = self.rng.choice([x for x in rec["fields"] if x is not f])
            f["aliases"] = f["aliases"] + [other["name"]]
            return f"alias {f['name']} -> existing field {other['name']}"
        if r < 0.4 and f["aliases"]:
            f["aliases"] = []
            return f"drop aliases of {f['name']}"
        if r < 0.5 and f["aliases"]:
            f["aliases"] = f["aliases"] + [f["aliases"][0]]   # a repeated alias (one field)
            return f"repeat alias {f['aliases'][0]} of {f['name']}"
        f["aliases"] = f["aliases"] + [self.g.fresh_field_name(rec)]
        return f"add unused alias to {f['name']}"

    def m_reorder_fields(self):
        rid = self.pick_record()
        if rid is None or len(self.S["defs"][rid]["fields"]) < 2:
            return None
        self.rng.shuffle(self.S["defs"][rid]["fields"])
        return "reorder fields"

    def m_toggle_default(self):
        rid, f = self.pick_field()
        if f is None:
            return None
        if f["has_default"]:
            f["has_default"] = False
            f["default"] = None
            return f"remove default of {f['name']}"
        self.g.set_default(self.S, f)
        return f"add default to {f['name']}" if f["has_default"] else None

    def m_doc(self):
        rid, f = self.pick_field()
        if f is None:
            return None
        f["doc"] = None if f["doc"] else "changed doc"
        return "doc change"

    # -- type slots -------------------------------------------------------------------------------
    def prim_slots(self, pred=lambda n: True):
        return [(c, k) for c, k in self.slots if c[k]["k"] == "p" and pred(c[k])]

    def m_promote(self):
        sl = self.prim_slots(lambda n: n["t"] in PROMOTIONS)
        if not sl:
            return None
        c, k = self.rng.choice(sl)
        n = c[k]
        old = n["t"]
        n["t"] = self.rng.choice(PROMOTIONS[old])
        n["lt"] = prim_logical(n["t"], self.rng) if (n["lt"] and self.rng.random() < 0.3) else None
        return f"promote {old}->{n['t']}"

    def m_demote(self):
        sl = self.prim_slots(lambda n: n["t"] in DEMOTIONS)
        if not sl:
            return None
        c, k = self.rng.choice(sl)
        n = c[k]
        old = n["t"]
        n["t"] = self.rng.choice(DEMOTIONS[old])
        n["lt"] = None
        return f"demote {old}->{n['t']}"

    def m_prim_change(self):
        sl = self.prim_slots()
        if not sl:
            return None
        c, k = self.rng.choice(sl)
        n = c[k]
        old = n["t"]
        n["t"] = self.rng.choice([t for t in PRIMS if t != old])
        n["lt"] = None
        return f"change {old}->{n['t']}"

    def m_logical(self):
        sl = self.prim_slots(lambda n: n["t"] in ("int", "long", "string", "bytes"))
        fixeds = self.defs_of("fixed")
        if fixeds and self.rng.random() < 0.3:
            d = self.S["defs"][self.rng.choice(fixeds)]
            d["lt"] = None if d["lt"] else fixed_logical(d["size"], self.rng)
            return "toggle fixed logical type"
        if not sl:
            return None
        c, k = self.rng.choice(sl)
        n = c[k]
        n["lt"] = None if (n["lt"] and self.rng.random() < 0.5) else prim_logical(n["t"], self.rng)
        return f"logical type on {n['t']} -> {n['lt']}"

    def m_optional(self):
        rng = self.rng
        unions = [(c, k) for c, k in self.slots if c[k]["k"] == "union"
                  and any(b["k"] == "p" and b["t"] == "null" for b in c[k]["br"]) and len(c[k]["br"]) == 2]
        if unions and rng.random() < 0.4:
            c, k = rng.choice(unions)
            c[k] = next(b for b in c[k]["br"] if not (b["k"] == "p" and b["t"] == "null"))
            return "optional -> required"
        cands = [(c, k) for c, k in self.slots if c[k]["k"] != "union" and not isinstance(c, list)
                 and not (c[k]["k"] == "p" and c[k]["t"] == "null")]
        if not cands:
            return None
        c, k = rng.choice(cands)
        br = [self.g.prim("null", 0), c[k]]
        if rng.random() < 0.2:
            br.reverse()
        c[k] = {"k": "union", "br": br}
        if k == "type" and rng.random() < 0.8 and br[0]["k"] == "p":
            c["has_default"] = True
            c["default"] = None
        return "required -> optional"

    def m_union(self):
        rng = self.rng
        unions = [(c, k) for c, k in self.slots if c[k]["k"] == "union"]
        if not unions:
            return None
        c, k = rng.choice(unions)
        u = c[k]
        r = rng.random()
        if r < 0.4:
            b = self.g.gen_type(self.S, 2, [], allow_union=False)
            u["br"].insert(rng.randint(0, len(u["br"])), b)
            return "union add branch"
        if r < 0.75 and u["br"]:
            u["br"].pop(rng.randrange(len(u["br"])))
            return "union remove branch"
        rng.shuffle(u["br"])
        return "union reorder"

    def m_container(self):
        rng = self.rng
        cs = [(c, k) for c, k in self.slots if c[k]["k"] in ("array", "map")]
        if not cs:
            return None
        c, k = rng.choice(cs)
        n = c[k]
        if rng.random() < 0.4:
            inner = n.get("items", n.get("values"))
            c[k] = {"k": "map", "values": inner} if n["k"] == "array" else {"k": "array", "items": inner}
            return f"{n['k']} -> {c[k]['k']}"
        if rng.random() < 0.5:
            # wrap a type into an array
            c[k] = {"k": "array", "items": n}
            return "wrap in array"
        key = "items" if n["k"] == "array" else "values"
        n[key] = self.g.gen_type(self.S, 2, [])
        return f"{n['k']} element type replaced"

    def m_replace(self):
        cands = [(c, k) for c, k in self.slots if c is not self.S]
        if not cands:
            return None
        c, k = self.rng.choice(cands)
        c[k] = self.g.gen_type(self.S, 2, [], allow_union=not isinstance(c, list))
        return "replace type"

    # -- named types ------------------------------------------------------------------------------
    def m_enum(self):
        rng = self.rng
        es = self.defs_of("enum")
        if not es:
            return None
        d = self.S["defs"][rng.choice(es)]
        r = rng.random()
        if r < 0.3:
            s = rng.choice([x for x in SYMBOLS if x not in d["symbols"]])
            d["symbols"].insert(rng.randint(0, len(d["symbols"])), s)
            return f"enum add symbol {s}"
        if r < 0.6 and len(d["symbols"]) > 1:
            s = rng.choice(d["symbols"])
            d["symbols"].remove(s)
            if d["default"] == s:
                d["default"] = rng.choice(d["symbols"]) if rng.random() < 0.5 else None
            return f"enum remove symbol {s}"
        if r < 0.8:
            d["default"] = None if d["default"] is not None else rng.choice(d["symbols"])
            return f"enum default -> {d['default']}"
        rng.shuffle(d["symbols"])
        return "enum reorder symbols"

    def m_fixed(self):
        fs = self.defs_of("fixed")
        if not fs:
            return None
        d = self.S["defs"][self.rng.choice(fs)]
        old = d["size"]
        d["size"] = self.rng.choice([s for s in [1, 2, 4, 8, 12, 16, 20, 32] if s != old])
        if not fixed_logical_ok(d["size"], d["lt"]):
            d["lt"] = fixed_logical(d["size"], self.rng) if self.rng.random() < 0.5 else None
        return f"fixed size {old}->{d['size']}"

    def m_rename_named(self):
        rng = self.rng
        if not self.ids:
            return None
        i = rng.choice(self.ids)
        d = self.S["defs"][i]
        pool = {"record": RECORD_NAMES, "enum": ENUM_NAMES, "fixed": FIXED_NAMES}[d["k"]]
        old = d["name"]
        new = self.g.fresh_def_name(self.S, pool)
        # the effective old full name is only known after serialisation; recompute it
        em = Emitter(self.S)
        try:
            em.run()
        except GenError:
            return None
        oldfull = em.full.get(i, old)
        d["name"] = new
        r = rng.random()
        if r < 0.35:
            d["aliases"] = d["aliases"] + [old]            # relative alias
            return f"rename {d['k']} {oldfull}->{new} relative alias {old}"
        if r < 0.7:
            d["aliases"] = d["aliases"] + [oldfull]        # full-name alias
            return f"rename {d['k']} {oldfull}->{new} alias {oldfull}"
        if r < 0.8:
            d["aliases"] = d["aliases"] + [f"{rng.choice(NAMESPACES)}.{old}"]
            return f"rename {d['k']} {oldfull}->{new} alias in another namespace"
        return f"rename {d['k']} {oldfull}->{new} without alias"

    def m_namespace(self):
        rng = self.rng
        if not self.ids:
            return None
        d = self.S["defs"][rng.choice(self.ids)]
        r = rng.random()
        if r < 0.3:
            d["ns"] = None
            d["dotted"] = False
            return "namespace -> inherited"
        if r < 0.7:
            d["ns"] = rng.choice(NAMESPACES)
            d["dotted"] = rng.random() < 0.2
            return f"namespace -> {d['ns']}"
        if d["ns"] is not None:
            d["dotted"] = not d["dotted"]
            return f"dotted name -> {d['dotted']}"
        return None

    def m_named_alias(self):
        if not self.ids:
            return None
        d = self.S["defs"][self.rng.choice(self.ids)]
        if d["aliases"] and self.rng.random() < 0.5:
            d["aliases"] = []
            return "drop named aliases"
        d["aliases"] = d["aliases"] + [self.rng.choice(RECORD_NAMES + ENUM_NAMES)]
        return "add named alias"

    def m_nested_record(self):
        """Extract a field's type into a new nested record, or add a nested record field."""
        rid = self.pick_record()
        if rid is None:
            return None
        rec = self.S["defs"][rid]
        f = {"name": self.g.fresh_field_name(rec), "type": self.g.gen_record(self.S, 1, [rid]),
             "has_default": False, "default": None, "aliases": [], "doc": None}
        if self.rng.random() < 0.5:
            f["type"] = {"k": "union", "br": [self.g.prim("null", 0), f["type"]]}
            f["has_default"], f["default"] = True, None
        rec["fields"].insert(self.rng.randint(0, len(rec["fields"])), f)
        return f"add nested record field {f['name']}"

    MUTATIONS = [
        ("m_add_field", 10), ("m_remove_field", 8), ("m_rename_field", 6), ("m_field_alias", 3),
        ("m_reorder_fields", 2), ("m_toggle_default", 6), ("m_doc", 1), ("m_promote", 8),
        ("m_demote", 4), ("m_prim_change", 4), ("m_logical", 3), ("m_optional", 7), ("m_union", 7),
        ("m_container", 4), ("m_replace", 3), ("m_enum", 8), ("m_fixed", 3), ("m_rename_named", 6),
        ("m_namespace", 5), ("m_named_alias", 2), ("m_nested_record", 3),
    ]

    def apply_one(self):
        names = [m for m, _ in self.MUTATIONS]
        weights = [w for _, w in self.MUTATIONS]
        for _ in range(10):
            m = self.rng.choices(names, weights)[0]
            desc = getattr(self, m)()
            if desc:
                return desc
        return None


def repair_defaults(gen, S):
    """Make every field default valid again after a mutation (regenerate or drop it)."""
    for d in S["defs"].values():
        if d["k"] != "record":
            continue
        for f in d["fields"]:
            if f["has_default"] and not valid_default(S, f["type"], f["default"]):
                if gen.rng.random() < 0.7:
                    gen.set_default(S, f)
                else:
                    f["has_default"], f["default"] = False, None


def gen_pair(gen):
    """One (old, new, description) triple; both serialise as valid Avro."""
    rng = gen.rng
    for _attempt in range(200):
        S = {"root": None, "defs": {}}
        try:
            if rng.random() < 0.9:
                S["root"] = gen.gen_record(S, 0, [], nfields=rng.randint(1, 6))
            else:
                S["root"] = gen.gen_type(S, 1, [])
            repair_defaults(gen, S)
            check_names(S)
            old_json = emit(S)
            N = copy.deepcopy(S)
            descs = []
            nmut = 0 if rng.random() < 0.03 else rng.choice([1, 1, 1, 2, 2, 3])
            for _ in range(nmut):
                mut = Mutator(gen, N)
                dsc = mut.apply_one()
                if dsc:
                    descs.append(dsc)
            repair_defaults(gen, N)
            check_names(N)
            new_json = emit(N)
        except GenError:
            continue
        return {"old": S, "new": N, "old_json": old_json, "new_json": new_json,
                "mutations": descs or ["(identity)"]}
    raise RuntimeError("generator could not produce a valid pair in 200 attempts")


# ================================================================================================
# Python oracle
# ================================================================================================

def py_parse(js):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return avro.schema.parse(json.dumps(js))


def py_check(reader_json, writer_json):
    """-> (verdict bool, [TYPE_NAMES]) ; raises on parse errors."""
    reader = py_parse(reader_json)
    writer = py_parse(writer_json)
    res = ReaderWriterCompatibilityChecker().get_compatibility(reader=reader, writer=writer)
    ok = res.compatibility is SchemaCompatibilityType.compatible
    return ok, sorted(t.name.upper() for t in res.incompatibilities)


class _Ambiguous(Exception):
    pass


def java_model_check(reader_json, writer_json, codes=False):
    """Triage aid only (never used for pass/fail): Python's checker patched to Java's name rules
    (unqualified names, namespace-qualified relative aliases, ambiguous field match = error)."""
    import avro.compatibility as C

    def name_equals(reader, writer):
        if reader.fullname.rsplit(".", 1)[-1] == writer.fullname.rsplit(".", 1)[-1]:
            return True
        space = reader.fullname.rsplit(".", 1)[0] if "." in reader.fullname else None
        aliases = reader.props.get("aliases") or []
        return writer.fullname in [a if "." in a or not space else f"{space}.{a}" for a in aliases]

    def lookup(writer_schema, reader_field):
        fd = writer_schema.fields_dict
        aliases = list(dict.fromkeys(reader_field.props.get("aliases") or []))  # Java: a LinkedHashSet
        hits = [fd[n] for n in [reader_field.name] + aliases if n in fd]
        if len(hits) > 1:
            raise _Ambiguous(reader_field.name)
        return hits[0] if hits else None

    saved = C.schema_name_equals, C.lookup_writer_field
    C.schema_name_equals, C.lookup_writer_field = name_equals, lookup
    try:
        return py_check(reader_json, writer_json) if codes else py_check(reader_json, writer_json)[0]
    except _Ambiguous:
        return (False, ["AMBIGUOUS_FIELD_ALIAS"]) if codes else False
    finally:
        C.schema_name_equals, C.lookup_writer_field = saved


def rewrite_json(js, qualify_aliases=False, split_dotted=False, ns=None):
    """A rewrite of an Avro schema (JSON) that leaves Java's reading of it unchanged:
    qualify_aliases  write every relative named-type alias as a full name (Java qualifies it
                     with the type's namespace anyway);
    split_dotted     write a dotted name {"name": "a.b.R"} as {"name": "R", "namespace": "a.b"}."""
    if isinstance(js, list):
        return [rewrite_json(x, qualify_aliases, split_dotted, ns) for x in js]
    if not isinstance(js, dict):
        return js
    out = dict(js)
    t = js.get("type")
    if t in ("record", "error", "enum", "fixed") and isinstance(js.get("name"), str):
        name = js["name"]
        if "." in name:
            space, short = name.rsplit(".", 1)
            if split_dotted:
                out["name"], out["namespace"] = short, space
        else:
            space = js["namespace"] if "namespace" in js else ns
            space = space or None
        if qualify_aliases and space and isinstance(js.get("aliases"), list):
            out["aliases"] = [a if "." in a else f"{space}.{a}" for a in js["aliases"]]
        if t in ("record", "error"):
            out["fields"] = [dict(f, type=rewrite_json(f["type"], qualify_aliases, split_dotted, space))
                             for f in js.get("fields", [])]
        return out
    for key in ("items", "values"):
        if key in js:
            out[key] = rewrite_json(js[key], qualify_aliases, split_dotted, ns)
    if isinstance(t, (dict, list)):
        out["type"] = rewrite_json(t, qualify_aliases, split_dotted, ns)
    return out


def direction_roles(case, direction, **opts):
    """(reader, writer) JSON for a direction; opts apply rewrite_json() to both schemas."""
    old, new = case["old_json"], case["new_json"]
    if opts:
        old, new = rewrite_json(old, **opts), rewrite_json(new, **opts)
    return (new, old) if direction == "BACKWARD" else (old, new)


# ================================================================================================
# Divergence classifiers
# ================================================================================================

def _rewrite_agrees(opts):
    def clf(case, direction, py_ok, strata_ok):
        if strata_ok is None:
            return False
        reader, writer = direction_roles(case, direction, **opts)
        if (reader, writer) == direction_roles(case, direction):
            return False  # the rewrite changes nothing, so it cannot explain anything
        try:
            ok, _ = py_check(reader, writer)
        except Exception:
            return False
        return ok == strata_ok
    return clf


def _ambiguous_alias(case, direction, py_ok, strata_ok):
    if not (py_ok is True and strata_ok is False):
        return False
    reader, writer = direction_roles(case, direction)
    rrecs, wrecs = {}, {}

    def collect(js, out):
        if isinstance(js, list):
            for x in js:
                collect(x, out)
        elif isinstance(js, dict):
            if js.get("type") == "record":
                out.setdefault(js["name"].rsplit(".", 1)[-1], []).append(js)
                for f in js["fields"]:
                    collect(f["type"], out)
            for key in ("items", "values"):
                if key in js:
                    collect(js[key], out)
    collect(reader, rrecs)
    collect(writer, wrecs)
    for name, rl in rrecs.items():
        for r in rl:
            cands = list(wrecs.get(name, []))
            for al in r.get("aliases", []):
                cands += wrecs.get(al.rsplit(".", 1)[-1], [])
            for w in cands:
                wnames = {f["name"] for f in w["fields"]}
                for f in r["fields"]:
                    # Java: a list of the direct match plus one entry per (distinct) alias that
                    # names a writer field -- a field aliased to its own name counts twice
                    hits = (f["name"] in wnames) + len(set(f.get("aliases", [])) & wnames)
                    if hits >= 2:
                        return True
    return False


DIVERGENCES = [
    ("relative-alias",
     "Python compares named-type aliases raw; Java namespace-qualifies relative aliases",
     _rewrite_agrees({"qualify_aliases": True})),
    ("dotted-name",
     "Python compares the raw name attribute (a full name when written dotted); Java the unqualified name",
     _rewrite_agrees({"split_dotted": True})),
    ("relative-alias+dotted-name",
     "both of the above in one pair",
     _rewrite_agrees({"qualify_aliases": True, "split_dotted": True})),
    ("ambiguous-alias",
     "reader field matching two writer fields: Java throws (incompatible), Python takes the first",
     _ambiguous_alias),
]


def classify(case, direction, py_ok, strata_ok):
    for kind, _why, clf in DIVERGENCES:
        if clf(case, direction, py_ok, strata_ok):
            return kind
    return None


# Hand-written pairs checked on every run next to the generated ones: one witness per documented
# divergence, plus regressions for disagreements the generator found.
def _rec(name, fields, **kw):
    return {"type": "record", "name": name, **kw, "fields": fields}


REGRESSION_PAIRS = [
    ("relative alias qualified with the reader's namespace",
     _rec("Old", [], namespace="ns"), _rec("New", [], namespace="ns", aliases=["Old"])),
    ("namespace-only change written as dotted names",
     _rec("a.R", [{"name": "x", "type": "int"}]), _rec("b.R", [{"name": "x", "type": "long"}])),
    ("field aliased to its own name (Java: two matches)",
     _rec("R", [{"name": "a", "type": "int"}]), _rec("R", [{"name": "a", "type": "int", "aliases": ["a"]}])),
    ("field alias naming a second writer field",
     _rec("R", [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}]),
     _rec("R", [{"name": "a", "type": "int", "aliases": ["b"]}, {"name": "b", "type": "int"}])),
    ("repeated field alias is one alias (Java keeps aliases in a set)",
     _rec("R", [{"name": "a", "type": "int"}]), _rec("R", [{"name": "b", "type": "int", "aliases": ["a", "a"]}])),
    ("reader-only enum field with an enum default but no field default",
     _rec("R", [{"name": "a", "type": "int"}]),
     _rec("R", [{"name": "a", "type": "int"},
                {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"], "default": "X"}}])),
    ("optional to required through a writer union",
     _rec("R", [{"name": "a", "type": ["null", "int"], "default": None}]), _rec("R", [{"name": "a", "type": "long"}])),
    ("recursive list with promoted payload",
     _rec("Node", [{"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"], "default": None}],
          namespace="ll"),
     _rec("Node", [{"name": "v", "type": "double"}, {"name": "next", "type": ["null", "Node"], "default": None}],
          namespace="ll")),
]


# ================================================================================================
# Strata CLI
# ================================================================================================

def run_strata(strata, level, new_path, old_path):
    """-> dict(verdict=True/False/None, codes=[...], error=str|None)"""
    cmd = [strata, "compat", "--type", "avro", "--level", level, "--format", "json", new_path, old_path]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return {"verdict": None, "codes": [], "error": "timeout", "rc": None}
    out = {"verdict": None, "codes": [], "error": None, "rc": p.returncode}
    if p.returncode == 2:
        out["error"] = (p.stderr.strip() or p.stdout.strip())[:500]
        return out
    if p.returncode not in (0, 1):
        out["error"] = f"unexpected exit {p.returncode}: {p.stderr.strip()[:500]}"
        return out
    try:
        obj = json.loads(p.stdout)
    except ValueError:
        out["error"] = f"stdout is not one JSON object: {p.stdout[:300]!r}"
        return out
    if not isinstance(obj, dict) or not isinstance(obj.get("compatible"), bool) \
            or obj["compatible"] != (p.returncode == 0) or obj.get("level") != level \
            or not isinstance(obj.get("issues"), list):
        out["error"] = f"CLI contract violated (rc={p.returncode}): {p.stdout[:300]}"
        return out
    out["verdict"] = obj["compatible"]
    out["codes"] = sorted(str(i.get("code", "")).upper() for i in obj["issues"])
    return out


# ================================================================================================
# Main
# ================================================================================================

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT)
    ap.add_argument("--strata", help="path to the strata CLI binary (omit: python-only dry run)")
    ap.add_argument("--report", help="write a JSON report to this file")
    ap.add_argument("--jobs", type=int, default=max(2, (os.cpu_count() or 2) * 2))
    ap.add_argument("--keep", help="keep the generated .avsc files in this directory")
    ap.add_argument("--show", type=int, default=15, help="max unexplained disagreements to print")
    args = ap.parse_args(argv)

    rng = random.Random(args.seed)
    gen = Gen(rng)
    cases = [gen_pair(gen) for _ in range(args.count)]
    for label, old, new in REGRESSION_PAIRS:
        cases.append({"old_json": old, "new_json": new, "mutations": [f"(fixed) {label}"]})

    # ---- python side (in-process)
    py_invalid = []
    for i, c in enumerate(cases):
        c["idx"] = i
        c["py"] = {}
        try:
            py_parse(c["old_json"])
            py_parse(c["new_json"])
        except Exception as e:
            c["py_error"] = f"{type(e).__name__}: {e}"
            py_invalid.append(c)
            continue
        for direction in ("BACKWARD", "FORWARD"):
            reader, writer = direction_roles(c, direction)
            try:
                c["py"][direction] = py_check(reader, writer)
            except Exception as e:  # a crash of the oracle: report, do not compare
                c["py"][direction] = None
                c.setdefault("py_crash", []).append(f"{direction}: {type(e).__name__}: {e}")

    if not args.strata:
        verdicts = collections.Counter()
        for c in cases:
            for d, r in c["py"].items():
                verdicts[(d, r[0] if r else "crash")] += 1
        print(f"python-only dry run: {len(cases)} pairs, python rejected {len(py_invalid)}")
        for k, v in sorted(verdicts.items(), key=str):
            print(f"  {k}: {v}")
        for c in py_invalid[:5]:
            print(f"  python rejects pair #{c['idx']}: {c['py_error']}")
        return 1 if py_invalid else 0

    if not os.access(args.strata, os.X_OK):
        print(f"FAIL: strata binary {args.strata!r} is not executable", file=sys.stderr)
        return 1

    # ---- strata side (CLI, batched through a thread pool)
    tmp = args.keep or tempfile.mkdtemp(prefix="strata-avro-diff-")
    os.makedirs(tmp, exist_ok=True)
    jobs = []
    for c in cases:
        c["new_path"] = os.path.join(tmp, f"{c['idx']:05d}-new.avsc")
        c["old_path"] = os.path.join(tmp, f"{c['idx']:05d}-old.avsc")
        with open(c["new_path"], "w", encoding="utf-8") as fh:
            json.dump(c["new_json"], fh, indent=1, ensure_ascii=False)
        with open(c["old_path"], "w", encoding="utf-8") as fh:
            json.dump(c["old_json"], fh, indent=1, ensure_ascii=False)
        for direction in ("BACKWARD", "FORWARD"):
            jobs.append((c, direction))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda j: run_strata(args.strata, j[1], j[0]["new_path"], j[0]["old_path"]), jobs))
    for (c, direction), r in zip(jobs, results):
        c.setdefault("strata", {})[direction] = r

    # ---- compare
    pairs_compared = 0
    directions = agreements = 0
    code_mismatch = 0
    code_mismatch_jm = 0
    code_examples = []
    divergences = collections.Counter()
    divergence_examples = {}
    unexplained = []
    validity = []          # python and strata disagree on whether the pair parses
    oracle_crashes = []
    for c in cases:
        st = c["strata"]
        if "py_error" in c:
            for d in ("BACKWARD", "FORWARD"):
                if st[d]["verdict"] is not None:
                    validity.append((c, d, f"python rejects ({c['py_error']}), strata accepts"))
            continue
        compared_any = False
        for d in ("BACKWARD", "FORWARD"):
            py = c["py"].get(d)
            s = st[d]
            if py is None:
                oracle_crashes.append((c, d))
                continue
            if s["verdict"] is None:
                kind = classify(c, d, py[0], None)
                if kind:
                    divergences[kind] += 1
                    divergence_examples.setdefault(kind, (c, d))
                else:
                    validity.append((c, d, f"strata error: {s['error']}"))
                continue
            compared_any = True
            directions += 1
            if py[1] != s["codes"]:
                if py[0] == s["verdict"]:
                    code_mismatch += 1
                jm_ok, jm_codes = java_model_check(*direction_roles(c, d), codes=True)
                if jm_codes != s["codes"]:
                    code_mismatch_jm += 1
                    if len(code_examples) < 5:
                        code_examples.append((c, d, jm_codes, s["codes"]))
            if py[0] == s["verdict"]:
                agreements += 1
                continue
            kind = classify(c, d, py[0], s["verdict"])
            if kind:
                divergences[kind] += 1
                divergence_examples.setdefault(kind, (c, d))
            else:
                jm = java_model_check(*direction_roles(c, d))
                unexplained.append((c, d, py, s, jm))
        pairs_compared += compared_any

    # ---- report
    def show_case(c, d, extra=""):
        print(f"  pair #{c['idx']} {d} {extra}")
        print(f"    mutations: {'; '.join(c['mutations'])}")
        print(f"    old: {json.dumps(c['old_json'], ensure_ascii=False)}")
        print(f"    new: {json.dumps(c['new_json'], ensure_ascii=False)}")

    print(f"avro differential (seed {args.seed}: {args.count} generated + {len(REGRESSION_PAIRS)} fixed pairs)")
    print(f"pairs compared:          {pairs_compared}")
    print(f"directions compared:     {directions}")
    print(f"agreements:              {agreements}")
    bw = sum(1 for c in cases if c["py"].get("BACKWARD") and c["py"]["BACKWARD"][0])
    fw = sum(1 for c in cases if c["py"].get("FORWARD") and c["py"]["FORWARD"][0])
    print(f"python verdict mix:      BACKWARD compatible {bw}/{len(cases)}, FORWARD compatible {fw}/{len(cases)}")
    print(f"issue-type multisets (informational): differ from python's in {code_mismatch} agreeing "
          f"directions; differ from python-with-Java-name-rules in {code_mismatch_jm} directions")
    for c, d, pc, sc in code_examples:
        print(f"    e.g. pair #{c['idx']} {d}: java-name-rules model {pc} strata {sc}")
    print(f"documented divergences:  {sum(divergences.values())}")
    for kind, _why, _clf in DIVERGENCES:
        if divergences[kind]:
            c, d = divergence_examples[kind]
            print(f"  {kind}: {divergences[kind]} (first: pair #{c['idx']} {d})")
    print(f"validity disagreements:  {len(validity)}")
    for c, d, why in validity[:args.show]:
        show_case(c, d, why)
    if oracle_crashes:
        print(f"python checker crashed:  {len(oracle_crashes)}")
        for c, d in oracle_crashes[:3]:
            show_case(c, d, "; ".join(c.get("py_crash", [])))
    print(f"unexplained disagreements: {len(unexplained)}")
    for c, d, py, s, jm in unexplained[:args.show]:
        show_case(c, d, f"python={'compatible' if py[0] else 'incompatible'} {py[1]} "
                        f"strata={'compatible' if s['verdict'] else 'incompatible'} {s['codes']} "
                        f"(java-name-rules model says {'compatible' if jm else 'incompatible'})")

    if args.report:
        rep = {
            "seed": args.seed, "count": len(cases), "pairs_compared": pairs_compared,
            "directions_compared": directions, "agreements": agreements,
            "code_multiset_differences": code_mismatch,
            "divergences": dict(divergences),
            "validity_disagreements": [
                {"pair": c["idx"], "direction": d, "why": why, "old": c["old_json"], "new": c["new_json"]}
                for c, d, why in validity],
            "unexplained": [
                {"pair": c["idx"], "direction": d, "mutations": c["mutations"],
                 "python": {"compatible": py[0], "types": py[1]},
                 "strata": {"compatible": s["verdict"], "codes": s["codes"]},
                 "java_name_rules_model": jm,
                 "old": c["old_json"], "new": c["new_json"]}
                for c, d, py, s, jm in unexplained],
        }
        with open(args.report, "w", encoding="utf-8") as fh:
            json.dump(rep, fh, indent=1, ensure_ascii=False)

    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)

    failed = False
    if pairs_compared < MIN_PAIRS:
        print(f"FAIL: only {pairs_compared} pairs compared (need >= {MIN_PAIRS})")
        failed = True
    if unexplained or validity or oracle_crashes:
        print("FAIL: disagreements not recognised as documented divergences")
        failed = True
    if not failed:
        print("PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
