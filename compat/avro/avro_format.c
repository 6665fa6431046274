/* avro_format.c - the Avro entry of the format table. */
#include "avro_model.h"

const scm_format scm_avro_format = {
    .type = STRATA_SCHEMA_AVRO,
    .parse = sav_parse,
    .free_model = sav_free,
    .canonical = sav_canonical,
    .resolved = sav_resolved,
    .normal_form = sav_normal_form,
    .check = sav_check,
    .confluent_entry = sav_confluent_entry,
};
