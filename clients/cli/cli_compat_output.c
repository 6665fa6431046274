/*
 * cli_compat_output.c - a compatibility outcome as the text and the JSON
 * object that `strata compat` and `strata check` print.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_compat_report_init(cli_compat_report *report, strata_compat_level level) {
  memset(report, 0, sizeof *report);
  report->level = level;
}

void cli_compat_report_release(cli_compat_report *report) {
  free(report->issues);
  memset(report, 0, sizeof *report);
}

bool cli_compat_report_add(cli_compat_report *report, const cli_compat_issue *issue) {
  if (report->issue_count == report->issue_cap) {
    size_t cap = report->issue_cap != 0 ? report->issue_cap * 2 : 8;
    cli_compat_issue *grown = realloc(report->issues, cap * sizeof *grown);
    if (grown == NULL) {
      cli_error("out of memory");
      return false;
    }
    report->issues = grown;
    report->issue_cap = cap;
  }
  report->issues[report->issue_count++] = *issue;
  return true;
}

bool cli_compat_report_add_result(cli_compat_report *report, const strata_compat_result *result,
                                  const char *against) {
  for (size_t i = 0; i < strata_compat_result_issue_count(result); i++) {
    const strata_compat_issue *issue = strata_compat_result_issue(result, i);
    cli_compat_issue item = {issue->code,      issue->path,    issue->message,
                             issue->direction, issue->version, against};
    if (!cli_compat_report_add(report, &item)) {
      return false;
    }
  }
  return true;
}

json_t *cli_compat_report_json(const cli_compat_report *report) {
  json_t *root = json_object();
  json_t *issues = json_array();
  json_t *result = NULL;

  if (root == NULL || issues == NULL) {
    goto cleanup;
  }
  for (size_t i = 0; i < report->issue_count; i++) {
    const cli_compat_issue *issue = &report->issues[i];
    json_t *item =
        json_pack("{s:s, s:s, s:s, s:s, s:i}", "code", issue->code, "path", issue->path, "message",
                  issue->message, "direction", strata_compat_direction_name(issue->direction),
                  "version", issue->version);
    if (item == NULL || json_array_append_new(issues, item) != 0) {
      goto cleanup;
    }
  }
  if (json_object_set_new(root, "compatible", json_boolean(report->issue_count == 0)) != 0 ||
      json_object_set_new(root, "level", json_string(strata_compat_level_name(report->level))) !=
          0 ||
      json_object_set(root, "issues", issues) != 0) {
    goto cleanup;
  }
  result = root;
  root = NULL;

cleanup:
  json_decref(issues);
  json_decref(root);
  return result;
}

int cli_compat_print_json(const cli_compat_report *report) {
  return cli_print_json_steal(cli_compat_report_json(report));
}

void cli_compat_print_text(const cli_compat_report *report, const char *name, const char *subject) {
  const char *level = strata_compat_level_name(report->level);
  size_t count = report->issue_count;
  const char *with = subject != NULL ? " with " : "";
  if (subject == NULL) {
    subject = "";
  }
  if (count == 0) {
    printf("%s: compatible%s%s (%s, %zu previous version%s)\n", name, with, subject, level,
           report->previous_count, report->previous_count == 1 ? "" : "s");
    return;
  }
  printf("%s: incompatible%s%s (%s): %zu issue%s\n", name, with, subject, level, count,
         count == 1 ? "" : "s");
  for (size_t i = 0; i < count; i++) {
    const cli_compat_issue *issue = &report->issues[i];
    printf("  %s against %s (version %d): %s%s%s\n    %s\n",
           strata_compat_direction_name(issue->direction),
           issue->against != NULL ? issue->against : "?", issue->version, issue->code,
           issue->path[0] != '\0' ? " at " : "", issue->path, issue->message);
  }
}
