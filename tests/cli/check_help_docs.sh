#!/usr/bin/env bash
# check_help_docs.sh STRATA DOCS_CLI_DIR - keeps docs/cli/ in step with --help.
#
# For each command with a page docs/cli/strata-<command>.md:
#   * the first line of the page's "## Synopsis" block equals the first usage
#     line of `strata <command> --help` (without its "usage: " prefix);
#   * every option that --help lists (an indented "--name") is described in
#     the page's "## Options" section, and every option the Options section
#     describes is one --help lists (except --help itself).
# Exit status: 0 when they match, 1 otherwise, 2 on a usage error.
set -u

if [ $# -ne 2 ]; then
  echo "usage: check_help_docs.sh STRATA DOCS_CLI_DIR" >&2
  exit 2
fi
strata=$1
docs=$2
status=0

fail() {
  echo "FAIL $*"
  status=1
}

# section FILE HEADING: the lines of the "## HEADING" section of FILE.
section() {
  awk -v h="## $2" '
    $0 == h { on = 1; next }
    on && /^## / { exit }
    on { print }
  ' "$1"
}

for command in compat schema proto; do
  page=$docs/strata-$command.md
  if [ ! -f "$page" ]; then
    fail "$command: no page $page"
    continue
  fi
  if ! help=$("$strata" "$command" --help); then
    fail "$command: 'strata $command --help' failed"
    continue
  fi

  usage=$(printf '%s\n' "$help" | sed -n '1s/^usage: //p')
  synopsis=$(section "$page" Synopsis | grep -v '^```' | grep -v '^[[:space:]]*$' | head -n 1)
  if [ -z "$usage" ]; then
    fail "$command: --help does not start with 'usage: '"
  elif [ "$synopsis" != "$usage" ]; then
    fail "$command: Synopsis of $page differs from --help"
    echo "  --help:   $usage"
    echo "  Synopsis: $synopsis"
  fi

  help_options=$(printf '%s\n' "$help" | grep -oE '^[[:space:]]+--[a-z][a-z-]*' | tr -d ' ' | sort -u)
  options_text=$(section "$page" Options)
  if [ -z "$options_text" ]; then
    fail "$command: $page has no '## Options' section"
    continue
  fi
  for option in $help_options; do
    if ! printf '%s\n' "$options_text" | grep -qE -- "(^|[^a-z-])$option([^a-z-]|\$)"; then
      fail "$command: option $option is in --help but not in the Options section of $page"
    fi
  done
  # Options the page describes: the "--name" that opens a definition line.
  # shellcheck disable=SC2016 # the backquotes are Markdown, not expansions
  doc_options=$(printf '%s\n' "$options_text" | grep -oE '^(\*\*|`|- `|\* `)?--[a-z][a-z-]*' |
                grep -oE -- '--[a-z][a-z-]*' | sort -u)
  for option in $doc_options; do
    [ "$option" = --help ] && continue # every command takes it; --help need not list itself
    if ! printf '%s\n' "$help_options" | grep -qxF -- "$option"; then
      fail "$command: $page documents $option, which --help does not list"
    fi
  done
  [ $status -eq 0 ] && echo "PASS $command: --help matches $page"
done
exit $status
