#!/usr/bin/python3
"""Check that a documentation page quotes a source file verbatim.

usage: check_doc_example.py DOC.md SOURCE

The page must hold the line "<!-- example: NAME -->" (NAME is SOURCE's file name) followed by
a fenced code block; the block's text must equal SOURCE byte for byte. Exits 1 with a diff
otherwise, so the example a reader copies is the one the tests compile and run.
"""

import difflib
import os
import sys


def quoted_block(doc_lines, name):
    marker = "<!-- example: %s -->" % name
    for i, line in enumerate(doc_lines):
        if line.strip() == marker:
            rest = doc_lines[i + 1:]
            if not rest or not rest[0].startswith("```"):
                return None
            block = []
            for code in rest[1:]:
                if code.startswith("```"):
                    return block
                block.append(code)
            return None
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip())
        return 2
    doc, source = sys.argv[1], sys.argv[2]
    name = os.path.basename(source)
    with open(doc, encoding="utf-8") as f:
        doc_lines = f.read().splitlines(keepends=True)
    with open(source, encoding="utf-8") as f:
        source_lines = f.read().splitlines(keepends=True)
    block = quoted_block(doc_lines, name)
    if block is None:
        print("FAIL: %s has no '<!-- example: %s -->' followed by a code block" % (doc, name))
        return 1
    if block != source_lines:
        print("FAIL: the block in %s differs from %s:" % (doc, source))
        sys.stdout.writelines(difflib.unified_diff(source_lines, block, source, doc))
        return 1
    print("ok: %s quotes %s verbatim (%d lines)" % (doc, name, len(block)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
