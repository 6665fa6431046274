#!/usr/bin/env python3
"""squawk_differential.py - runs Strata's migration linter and squawk (npm
squawk-cli) on the same migration corpus and compares their findings for the
rules both have.

Usage: squawk_differential.py --lint-case LINT_CASE --squawk SQUAWK
                              --known KNOWN.json CASE.sql...

LINT_CASE is tests/lint's runner (`lint_case --print FILE` prints one
"LINE:COL RULE ~ message" line per finding). Each case's `-- lint-case:`
settings are passed to squawk as flags (pg-version, assume-in-transaction);
strata-ignore comments are rewritten to squawk-ignore for squawk's copy.

A finding is keyed by (case, statement, rule); squawk's 0-based lines are
mapped to the statement that contains them. A disagreement (one tool reports
the key, the other does not) must be listed in KNOWN.json, each entry
{"case", "line" (1-based line of the statement start), "rule", "only"
("strata"|"squawk"), "why"}. Prints the agreement per rule. Exit status: 0 when every
disagreement is documented and every documented one still occurs, 1
otherwise (also when squawk is not installed: scripts/install-test-peers.sh).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SHARED_RULES = {
    "require-concurrent-index-creation", "require-concurrent-index-deletion",
    "ban-concurrent-index-creation-in-transaction", "adding-required-field",
    "adding-field-with-default", "changing-column-type", "adding-not-nullable-field",
    "constraint-missing-not-valid", "adding-foreign-key-constraint",
    "disallowed-unique-constraint", "adding-serial-primary-key-field", "ban-drop-column",
    "ban-drop-table", "ban-drop-not-null", "renaming-column", "renaming-table",
    "require-lock-timeout", "require-statement-timeout", "transaction-nesting",
    "ban-uncommitted-transaction", "prefer-robust-stmts",
}


def statement_starts(text):
    """1-based start lines of the statements: the first line after each ';'
    (outside strings, comments and dollar quotes) that is not blank or comment."""
    starts = []
    i, n, line = 0, len(text), 1
    pending = True  # looking for the start of the next statement
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif text.startswith("--", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        else:
            if pending:
                starts.append(line)
                pending = False
            if c == "'":
                j = i + 1
                while j < n and not (text[j] == "'" and not text.startswith("''", j)):
                    j += 2 if text.startswith("''", j) else 1
                line += text.count("\n", i, j)
                i = j + 1
            elif c == "$":
                m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", text[i:])
                if m and not text.startswith("${", i):
                    tag = m.group(0)
                    j = text.find(tag, i + len(tag))
                    j = n if j < 0 else j + len(tag)
                    line += text.count("\n", i, j)
                    i = j
                else:
                    i += 1
            elif c == ";":
                pending = True
                i += 1
            else:
                i += 1
    return starts


def statement_of(starts, line):
    """The start line of the statement containing 1-based @line."""
    best = starts[0] if starts else 1
    for s in starts:
        if s <= line:
            best = s
    return best


def case_settings(text):
    settings = {}
    for m in re.finditer(r"-- lint-case:(.*)", text):
        for tok in m.group(1).split():
            key, _, value = tok.partition("=")
            settings[key] = value or True
    return settings


def rules_filter(settings):
    """The shared rules this case's include/exclude settings leave on."""
    on = set(SHARED_RULES)
    for key in ("include", "exclude"):
        if key in settings:
            names = settings[key].split(",")
            chosen = SHARED_RULES if "all" in names else set(names)
            on = on | chosen if key == "include" else on - chosen
    return on


def run_strata(lint_case, path):
    out = subprocess.run([lint_case, "--print", path], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"lint_case failed on {path}: {out.stderr}")
    found = []
    for row in out.stdout.splitlines():
        m = re.match(r"(\d+):(\d+) (\S+)", row)
        if m:
            found.append((int(m.group(1)), m.group(3)))
    return found


def squawk_copy(text):
    """The case as squawk reads it: strata-ignore comments in squawk's syntax."""
    def repl(m):
        rules = m.group(2).split(":")[0]
        return f"-- squawk-ignore{m.group(1) or ''} {rules.strip()}"
    return re.sub(r"-- strata-ignore(-file)?\s+([^\n]*)", repl, text)


def run_squawk(squawk, text, settings):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "case.sql")
        with open(path, "w", encoding="utf-8") as f:
            f.write(squawk_copy(text))
        cmd = [squawk, "--reporter", "json", "--pg-version",
               settings.get("pg-version", "15") + ("" if "." in settings.get("pg-version", "15")
                                                   else ".0")]
        if settings.get("assume-in-transaction"):
            cmd.append("--assume-in-transaction")
        cmd.append(path)
        env = dict(os.environ, SQUAWK_DISABLE_GITHUB_ANNOTATIONS="1")
        env.pop("GITHUB_ACTIONS", None)
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env, cwd=tmp)
        if out.returncode not in (0, 1):
            raise RuntimeError(f"squawk failed: {out.stderr}")
        data = json.loads(out.stdout or "[]")
        return [(v["line"] + 1, v["rule_name"]) for v in data]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lint-case", required=True)
    ap.add_argument("--squawk", required=True)
    ap.add_argument("--known", required=True)
    ap.add_argument("cases", nargs="+")
    args = ap.parse_args()
    if not os.access(args.squawk, os.X_OK):
        print(f"FAIL: squawk not found at {args.squawk}; run scripts/install-test-peers.sh")
        return 1
    with open(args.known, encoding="utf-8") as f:
        known = {(k["case"], k["line"], k["rule"], k["only"]): k["why"] for k in json.load(f)}
    seen_known = set()
    per_rule = {r: [0, 0] for r in sorted(SHARED_RULES)}  # agree, disagree
    undocumented = []
    for path in sorted(args.cases):
        name = os.path.basename(path)[:-4]
        with open(path, encoding="utf-8") as f:
            text = f.read()
        settings = case_settings(text)
        starts = statement_starts(text)
        on = rules_filter(settings)
        ours = {(statement_of(starts, ln), r) for ln, r in run_strata(args.lint_case, path)
                if r in on}
        theirs = {(statement_of(starts, ln), r)
                  for ln, r in run_squawk(args.squawk, text, settings) if r in on}
        for key in sorted(ours | theirs):
            line, rule = key
            if key in ours and key in theirs:
                per_rule[rule][0] += 1
                continue
            per_rule[rule][1] += 1
            only = "strata" if key in ours else "squawk"
            k = (name, line, rule, only)
            if k in known:
                seen_known.add(k)
            else:
                undocumented.append(f"{name}:{line} {rule}: only {only} reports it")
    agree = sum(a for a, _ in per_rule.values())
    disagree = sum(d for _, d in per_rule.values())
    print(f"{'rule':45} agree disagree")
    for rule, (a, d) in per_rule.items():
        print(f"{rule:45} {a:5} {d:8}")
    total = agree + disagree
    pct = 100.0 * agree / total if total else 100.0
    print(f"agreement: {agree}/{total} findings ({pct:.1f}%), {len(known)} documented differences")
    status = 0
    for line in undocumented:
        print(f"UNDOCUMENTED {line}")
        status = 1
    for k in sorted(set(known) - seen_known):
        print(f"STALE documented difference {k[0]}:{k[1]} {k[2]} (only {k[3]}): no longer occurs")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
