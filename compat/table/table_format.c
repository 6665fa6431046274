/*
 * table_format.c - the TABLE entry of the format table: the input is
 * PostgreSQL DDL, or a JSON table document when its first non-blank
 * character is '{'; the canonical text (and normal form, so the fingerprint)
 * is the canonical JSON document of table_json.c for both.
 */
#include "table_model.h"

#include <stdlib.h>
#include <string.h>

strata_error stb_parse(const char *text, size_t len, const strata_schema *const *refs, size_t nrefs,
                       void **model, strata_diag *diag) {
  stb_table *t = NULL;
  strata_error rc = STRATA_E_OK;
  size_t i = 0;

  *model = NULL;
  if (nrefs > 0) {
    (void)refs;
    scm_diag_set(diag, 0, 0, "", "TABLE schemas do not take references");
    return STRATA_E_INVALID_SCHEMA;
  }
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
    i++;
  }
  rc = i < len && text[i] == '{' ? stb_parse_json(text, len, &t, diag)
                                 : stb_parse_ddl(text, len, &t, diag);
  if (rc == STRATA_E_OK) {
    *model = t;
  }
  return rc;
}

void stb_free(void *model) {
  stb_table_free(model);
}

char *stb_canonical(const void *model) {
  return stb_canonical_text(model);
}

char *stb_normal_form(const void *model) {
  return stb_canonical_text(model);
}

const scm_format scm_table_format = {
    .type = STRATA_SCHEMA_TABLE,
    .parse = stb_parse,
    .free_model = stb_free,
    .canonical = stb_canonical,
    .resolved = NULL,
    .normal_form = stb_normal_form,
    .check = stb_compat_check,
    .confluent_entry = stb_confluent_entry,
    .writer_direction = true,
};
