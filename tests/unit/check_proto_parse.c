/* check_proto_parse.c - the .proto parser: the model it builds (types resolved with protoc's
 * scoping rules, json_name, map entries, proto3 optional, groups, defaults, options), errors
 * with protoc's "file:line:col: message", references and imports, binary descriptor input,
 * canonical text, and hostile input (deep nesting, huge numbers, cycles). */
#include <strata/compat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protobuf/proto_model.h"

static strata_schema *parse_named(const char *name, const char *text,
                                  const strata_schema *const *refs, size_t nrefs) {
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc = strata_schema_parse_named(STRATA_SCHEMA_PROTOBUF, name, text, strlen(text),
                                              refs, NULL, nrefs, &s, &diag);
  ck_assert_msg(rc == STRATA_E_OK, "rejected %s: %s", text, diag.message);
  ck_assert_ptr_nonnull(s);
  return s;
}

static strata_schema *parse_ok(const char *text) {
  return parse_named("schema.proto", text, NULL, 0);
}

static const pbc_file_proto *proto_of(const strata_schema *s) {
  return pbc_schema_file(s)->proto;
}

/* The diagnostic message for text that must be rejected. */
static strata_diag reject(const char *text) {
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc =
      strata_schema_parse(STRATA_SCHEMA_PROTOBUF, text, strlen(text), NULL, 0, &s, &diag);
  ck_assert_msg(rc == STRATA_E_INVALID_SCHEMA, "%s: got %s, expected INVALID_SCHEMA", text,
                strata_error_name(rc));
  ck_assert_ptr_null(s);
  return diag;
}

static void assert_rejects(const char *text, const char *message) {
  strata_diag diag = reject(text);
  ck_assert_str_eq(diag.message, message);
}

static const pbc_field *field_of(const pbc_message *m, const char *name) {
  for (size_t i = 0; i < m->n_field; i++) {
    if (strcmp(m->field[i]->name, name) == 0) {
      return m->field[i];
    }
  }
  ck_abort_msg("no field %s in %s", name, m->name);
  return NULL;
}

START_TEST(test_scoping_rules) {
  strata_schema *s = parse_ok("syntax = \"proto3\";\n"
                              "package a.b;\n"
                              "message Outer {\n"
                              "  message Inner { enum Kind { K0 = 0; } }\n"
                              "  Inner inner = 1;\n"
                              "  Inner.Kind kind = 2;\n"
                              "  .a.b.Outer self = 3;\n"
                              "  b.Top top = 4;\n"
                              "}\n"
                              "message Top { Outer.Inner.Kind k = 1; }\n");
  const pbc_message *outer = proto_of(s)->message_type[0];
  ck_assert_str_eq(field_of(outer, "inner")->type_name, ".a.b.Outer.Inner");
  ck_assert_int_eq(field_of(outer, "inner")->type,
                   GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE);
  ck_assert_str_eq(field_of(outer, "kind")->type_name, ".a.b.Outer.Inner.Kind");
  ck_assert_int_eq(field_of(outer, "kind")->type,
                   GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM);
  ck_assert_str_eq(field_of(outer, "self")->type_name, ".a.b.Outer");
  ck_assert_str_eq(field_of(outer, "top")->type_name, ".a.b.Top");
  ck_assert_str_eq(field_of(proto_of(s)->message_type[1], "k")->type_name, ".a.b.Outer.Inner.Kind");
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_innermost_scope_wins) {
  /* "Inner.X" resolves "Inner" in the innermost scope first, as protoc does */
  strata_diag d = reject("syntax = \"proto3\";\n"
                         "message Inner { message X {} }\n"
                         "message M {\n"
                         "  message Inner {}\n"
                         "  Inner.X x = 1;\n"
                         "}\n");
  ck_assert_str_eq(d.message, "schema.proto:5:3: \"Inner.X\" is not defined.");
}
END_TEST

START_TEST(test_json_names_and_map_entries) {
  strata_schema *s = parse_ok("syntax = \"proto3\";\n"
                              "message M {\n"
                              "  int32 foo_bar_baz = 1;\n"
                              "  int32 x = 2 [json_name = \"custom\"];\n"
                              "  map<string, M> by_name_2 = 3;\n"
                              "}\n");
  const pbc_message *m = proto_of(s)->message_type[0];
  ck_assert_str_eq(field_of(m, "foo_bar_baz")->json_name, "fooBarBaz");
  ck_assert_str_eq(field_of(m, "x")->json_name, "custom");
  const pbc_field *map = field_of(m, "by_name_2");
  ck_assert_str_eq(map->type_name, ".M.ByName2Entry");
  ck_assert_int_eq(map->label, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED);
  ck_assert_uint_eq(m->n_nested_type, 1);
  const pbc_message *entry = m->nested_type[0];
  ck_assert_str_eq(entry->name, "ByName2Entry");
  ck_assert(entry->options != NULL && entry->options->map_entry);
  ck_assert_str_eq(entry->field[0]->name, "key");
  ck_assert_str_eq(entry->field[1]->type_name, ".M");
  /* the canonical text writes the map back as a map */
  ck_assert_ptr_nonnull(strstr(strata_schema_canonical(s), "map<string, .M> by_name_2 = 3;"));
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_proto3_optional_synthetic_oneofs) {
  strata_schema *s = parse_ok("syntax = \"proto3\";\n"
                              "message M {\n"
                              "  optional int32 a = 1;\n"
                              "  oneof _a { string b = 2; }\n"
                              "  optional string c = 3;\n"
                              "}\n");
  const pbc_message *m = proto_of(s)->message_type[0];
  ck_assert_uint_eq(m->n_oneof_decl, 3);
  ck_assert_str_eq(m->oneof_decl[0]->name, "_a");
  ck_assert_str_eq(m->oneof_decl[1]->name, "X_a");
  ck_assert_str_eq(m->oneof_decl[2]->name, "_c");
  ck_assert(field_of(m, "a")->proto3_optional);
  ck_assert_int_eq(field_of(m, "a")->oneof_index, 1);
  ck_assert_int_eq(field_of(m, "b")->oneof_index, 0);
  ck_assert(!field_of(m, "b")->has_proto3_optional);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_groups_and_defaults) {
  strata_schema *s = parse_ok("syntax = \"proto2\";\n"
                              "enum E { A = 1; B = 2; }\n"
                              "message M {\n"
                              "  optional group Result = 1 { optional int32 n = 1; }\n"
                              "  optional int32 i = 2 [default = 0x1F];\n"
                              "  optional float f = 3 [default = 3.4028235e38];\n"
                              "  optional double d = 4 [default = -inf];\n"
                              "  optional bytes b = 5 [default = \"\\001a\\\"\"];\n"
                              "  optional E e = 6 [default = B];\n"
                              "}\n");
  const pbc_message *m = proto_of(s)->message_type[0];
  const pbc_field *g = field_of(m, "result");
  ck_assert_int_eq(g->type, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP);
  ck_assert_str_eq(g->type_name, ".M.Result");
  ck_assert_str_eq(m->nested_type[0]->name, "Result");
  ck_assert_str_eq(field_of(m, "i")->default_value, "31");
  ck_assert_str_eq(field_of(m, "f")->default_value, "3.40282347e+38");
  ck_assert_str_eq(field_of(m, "d")->default_value, "-inf");
  ck_assert_str_eq(field_of(m, "b")->default_value, "\\001a\\\"");
  ck_assert_str_eq(field_of(m, "e")->default_value, "B");
  ck_assert_ptr_null(proto_of(s)->syntax); /* protoc leaves proto2's syntax unset */
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_options_interpreted) {
  strata_schema *s =
      parse_ok("syntax = \"proto3\";\n"
               "import \"google/protobuf/descriptor.proto\";\n"
               "option java_package = \"x.y\";\n"
               "option optimize_for = CODE_SIZE;\n"
               "extend google.protobuf.FieldOptions { int32 weight = 50000; }\n"
               "message M { repeated int32 a = 1 [packed = false, (weight) = -2]; }\n");
  const pbc_file_proto *f = proto_of(s);
  ck_assert_str_eq(f->options->java_package, "x.y");
  ck_assert_int_eq(f->options->optimize_for,
                   GOOGLE__PROTOBUF__FILE_OPTIONS__OPTIMIZE_MODE__CODE_SIZE);
  const pbc_field *a = f->message_type[0]->field[0];
  ck_assert(a->options->has_packed && !a->options->packed);
  ck_assert_uint_eq(a->options->n_uninterpreted_option, 0);
  /* the custom option is an unknown field: tag 50000, varint -2 as 10 bytes */
  ck_assert_uint_eq(a->options->base.n_unknown_fields, 1);
  ck_assert_uint_eq(a->options->base.unknown_fields[0].tag, 50000);
  ck_assert_uint_eq(a->options->base.unknown_fields[0].len, 10);
  ck_assert_ptr_nonnull(strstr(strata_schema_canonical(s), "(.weight) = -2"));
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_aggregate_option) {
  strata_schema *s =
      parse_ok("syntax = \"proto2\";\n"
               "import \"google/protobuf/descriptor.proto\";\n"
               "message Meta { optional string doc = 1; repeated int32 n = 2; }\n"
               "extend google.protobuf.MessageOptions { optional Meta meta = 50001; }\n"
               "message M { option (meta) = { doc: \"d\" n: [1, 2] }; }\n");
  const Google__Protobuf__MessageOptions *o = proto_of(s)->message_type[1]->options;
  ck_assert_uint_eq(o->base.n_unknown_fields, 1);
  const ProtobufCMessageUnknownField *u = &o->base.unknown_fields[0];
  /* protobuf-c keeps the length prefix */
  const uint8_t want[] = {0x07, 0x0a, 0x01, 'd', 0x10, 0x01, 0x10, 0x02};
  ck_assert_uint_eq(u->len, sizeof want);
  ck_assert(memcmp(u->data, want, sizeof want) == 0);
  ck_assert_ptr_nonnull(strstr(strata_schema_canonical(s), "(.meta) = { doc: \"d\" n: 1 n: 2 }"));
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_services_and_extensions) {
  strata_schema *s = parse_ok("syntax = \"proto2\";\n"
                              "package p;\n"
                              "message Req { extensions 100 to max; }\n"
                              "extend Req { optional string tag = 100; }\n"
                              "service S { rpc Call(stream Req) returns (stream Req); }\n");
  const pbc_file_proto *f = proto_of(s);
  ck_assert_int_eq(f->message_type[0]->extension_range[0]->end, 536870912);
  ck_assert_str_eq(f->extension[0]->extendee, ".p.Req");
  ck_assert_str_eq(f->service[0]->method[0]->input_type, ".p.Req");
  ck_assert(f->service[0]->method[0]->client_streaming);
  ck_assert(f->service[0]->method[0]->server_streaming);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_editions_parsed) {
  strata_schema *s = parse_ok("edition = \"2023\";\n"
                              "package e;\n"
                              "option features.field_presence = IMPLICIT;\n"
                              "message M { int32 a = 1 [features.field_presence = "
                              "LEGACY_REQUIRED]; }\n");
  const pbc_file_proto *f = proto_of(s);
  ck_assert_str_eq(f->syntax, "editions");
  ck_assert_uint_eq(f->base.n_unknown_fields, 1); /* edition = EDITION_2023 (field 14) */
  ck_assert_uint_eq(f->base.unknown_fields[0].tag, 14);
  ck_assert_ptr_nonnull(strstr(strata_schema_canonical(s), "edition = \"2023\";"));
  strata_schema_free(&s);
}
END_TEST

static const struct {
  const char *text;
  const char *message;
} errors[] = {
    {"syntax = \"proto4\";", "schema.proto:1:10: Unrecognized syntax identifier \"proto4\".  "
                             "This parser only recognizes \"proto2\" and \"proto3\"."},
    {"message M {", "schema.proto:1:12: Reached end of input in message definition (missing "
                    "'}')."},
    {"syntax = \"proto3\";\nmessage M { int32 a = 1; int32 b = 1; }",
     "schema.proto:2:36: Field number 1 has already been used in \"M\" by field \"a\"."},
    {"syntax = \"proto3\";\nmessage M { Nope a = 1; }",
     "schema.proto:2:13: \"Nope\" is not defined."},
    {"syntax = \"proto3\";\nmessage M { string s = 1 [default = \"x\"]; }",
     "schema.proto:2:37: Explicit default values are not allowed in proto3."},
    {"syntax = \"proto3\";\nenum E { A = 1; }",
     "schema.proto:2:14: The first enum value must be zero in proto3."},
    {"message M { optional string s = 1 [default = \"abc\n\"]; }",
     "schema.proto:1:50: String literals cannot cross line boundaries."},
    {"syntax = \"proto3\";\nmessage M { int32 a = 4294967296; }",
     "schema.proto:2:23: Integer out of range."},
    {"syntax = \"proto3\";\nmessage M {}\nmessage M {}",
     "schema.proto:3:9: \"M\" is already defined."},
    {"syntax = \"proto3\";\nimport \"missing.proto\";",
     "schema.proto:2:1: Import \"missing.proto\" was not found or had errors."},
    {"syntax = \"proto3\";\noption (x) = 1;",
     "schema.proto:2:8: Option \"(x)\" unknown. Ensure that your proto definition file imports "
     "the proto which defines the option."},
    {"/* never closed", "schema.proto:1:16: End-of-file inside block comment."},
    {"syntax = \"proto3\";\nmessage M { int32 a = 1; int32 _a = 2; }",
     "schema.proto:2:32: The JSON camel-case name of field \"_a\" conflicts with field \"a\". "
     "This is not allowed in proto3."},
    {"syntax = \"proto3\";\nmessage M { int32 a = 19000; }",
     "schema.proto:2:23: Field numbers 19000 through 19999 are reserved for the protocol buffer "
     "library implementation."},
};

START_TEST(test_errors) {
  assert_rejects(errors[_i].text, errors[_i].message);
}
END_TEST

START_TEST(test_error_line_and_column) {
  strata_diag d = reject("syntax = \"proto3\";\n\tmessage M { Nope a = 1; }");
  /* a tab advances to column 8, as protoc counts */
  ck_assert_int_eq(d.line, 2);
  ck_assert_int_eq(d.column, 21);
}
END_TEST

START_TEST(test_deep_nesting) {
  size_t depth = 5000;
  char *text = malloc(depth * 12 + 64);
  ck_assert_ptr_nonnull(text);
  size_t n = 0;
  for (size_t i = 0; i < depth; i++) {
    n += (size_t)sprintf(text + n, "message M {");
  }
  for (size_t i = 0; i < depth; i++) {
    text[n++] = '}';
  }
  text[n] = '\0';
  strata_diag d = reject(text);
  ck_assert_ptr_nonnull(strstr(d.message, "Reached maximum recursion limit"));
  free(text);
}
END_TEST

START_TEST(test_deep_aggregate) {
  size_t depth = 3000;
  char *text = malloc(depth * 8 + 512);
  ck_assert_ptr_nonnull(text);
  size_t n = (size_t)sprintf(text, "syntax = \"proto2\";\nimport "
                                   "\"google/protobuf/descriptor.proto\";\nmessage R { optional "
                                   "R r = 1; }\nextend google.protobuf.FileOptions { optional R "
                                   "r = 50000; }\noption (r) = ");
  for (size_t i = 0; i < depth; i++) {
    n += (size_t)sprintf(text + n, "{ r ");
  }
  for (size_t i = 0; i < depth; i++) {
    text[n++] = '}';
  }
  text[n++] = ';';
  text[n] = '\0';
  reject(text);
  free(text);
}
END_TEST

START_TEST(test_huge_numbers) {
  reject("syntax = \"proto3\";\nmessage M { int32 a = "
         "999999999999999999999999999999999999999999; }");
  reject("syntax = \"proto3\";\nenum E { A = 0; B = -2147483649; }");
  reject("syntax = \"proto2\";\nmessage M { optional uint32 u = 1 [default = 4294967296]; }");
  reject("syntax = \"proto2\";\nmessage M { extensions 5 to 2147483647; }");
}
END_TEST

START_TEST(test_unterminated) {
  reject("syntax = \"proto3");
  reject("syntax = 'proto3");
  reject("syntax = \"proto3\";\nmessage M { string s = 1 [json_name = \"abc");
  reject("syntax = \"proto3\"; message M { int32 a = 1");
  reject("syntax = \"proto3\"; message M { oneof o { int32 a = 1;");
  reject("syntax = \"proto3\"; enum E { A = 0;");
  reject("syntax = \"proto3\"; service S { rpc A(M) returns (M) {");
  reject("syntax = \"proto3\"; option x = {");
}
END_TEST

/* A loader over an in-memory list of files. */
typedef struct mem_files {
  const char *const *names;
  const char *const *texts;
  size_t n;
} mem_files;

static strata_error mem_load(void *ctx, const char *path, char **text, size_t *len) {
  const mem_files *m = ctx;
  for (size_t i = 0; i < m->n; i++) {
    if (strcmp(m->names[i], path) == 0) {
      *len = strlen(m->texts[i]);
      *text = strdup(m->texts[i]);
      return *text != NULL ? STRATA_E_OK : STRATA_E_NOMEM;
    }
  }
  return STRATA_E_NOT_FOUND;
}

START_TEST(test_import_cycle) {
  const char *names[] = {"a.proto", "b.proto"};
  const char *texts[] = {"syntax = \"proto3\";\nimport \"b.proto\";\n",
                         "syntax = \"proto3\";\nimport \"a.proto\";\n"};
  mem_files files = {names, texts, 2};
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc =
      strata_proto_parse_file("a.proto", texts[0], strlen(texts[0]), mem_load, &files, &s, &diag);
  ck_assert_int_eq(rc, STRATA_E_INVALID_SCHEMA);
  ck_assert_ptr_null(s);
  ck_assert_str_eq(diag.message, "a.proto:2:1: File recursively imports itself: a.proto -> "
                                 "b.proto -> a.proto");
}
END_TEST

START_TEST(test_loader_imports_public) {
  const char *names[] = {"base.proto", "mid.proto"};
  const char *texts[] = {"syntax = \"proto3\";\npackage base;\nmessage B {}\n",
                         "syntax = \"proto3\";\nimport public \"base.proto\";\n"};
  mem_files files = {names, texts, 2};
  const char *root = "syntax = \"proto3\";\nimport \"mid.proto\";\n"
                     "import \"google/protobuf/timestamp.proto\";\n"
                     "message R { base.B b = 1; google.protobuf.Timestamp t = 2; }\n";
  strata_schema *s = NULL;
  strata_diag diag;
  strata_error rc =
      strata_proto_parse_file("root.proto", root, strlen(root), mem_load, &files, &s, &diag);
  ck_assert_msg(rc == STRATA_E_OK, "%s", diag.message);
  const pbc_message *r = proto_of(s)->message_type[0];
  ck_assert_str_eq(r->field[0]->type_name, ".base.B");
  ck_assert_str_eq(r->field[1]->type_name, ".google.protobuf.Timestamp");
  /* the descriptor set with imports lists dependencies first */
  uint8_t *bytes = NULL;
  size_t len = 0;
  const strata_schema *list[] = {s};
  ck_assert_int_eq(strata_proto_descriptor_set(list, 1, true, &bytes, &len), STRATA_E_OK);
  Google__Protobuf__FileDescriptorSet *set =
      google__protobuf__file_descriptor_set__unpack(NULL, len, bytes);
  ck_assert_ptr_nonnull(set);
  ck_assert_uint_eq(set->n_file, 4);
  ck_assert_str_eq(set->file[0]->name, "base.proto");
  ck_assert_str_eq(set->file[3]->name, "root.proto");
  google__protobuf__file_descriptor_set__free_unpacked(set, NULL);
  free(bytes);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_references_by_name) {
  strata_schema *ref = parse_named("common/money.proto",
                                   "syntax = \"proto3\";\npackage common;\nmessage Money { int64 "
                                   "units = 1; }\n",
                                   NULL, 0);
  const strata_schema *refs[] = {ref};
  strata_schema *s = parse_named("order.proto",
                                 "syntax = \"proto3\";\nimport \"common/money.proto\";\n"
                                 "message Order { common.Money total = 1; }\n",
                                 refs, 1);
  ck_assert_str_eq(proto_of(s)->message_type[0]->field[0]->type_name, ".common.Money");
  ck_assert_str_eq(proto_of(s)->name, "order.proto");
  strata_schema_free(&s);
  /* a reference under another name does not satisfy the import */
  strata_diag diag;
  const char *text = "syntax = \"proto3\";\nimport \"money.proto\";\n";
  ck_assert_int_eq(
      strata_schema_parse(STRATA_SCHEMA_PROTOBUF, text, strlen(text), refs, 1, &s, &diag),
      STRATA_E_INVALID_SCHEMA);
  strata_schema_free(&ref);
}
END_TEST

START_TEST(test_binary_input_round_trip) {
  strata_schema *s = parse_ok("syntax = \"proto3\";\npackage p;\nimport "
                              "\"google/protobuf/any.proto\";\nmessage M { map<string, "
                              "google.protobuf.Any> m = 1; optional int32 x = 2; }\n");
  const strata_schema *list[] = {s};
  uint8_t *bytes = NULL;
  size_t len = 0;
  ck_assert_int_eq(strata_proto_descriptor_set(list, 1, false, &bytes, &len), STRATA_E_OK);
  strata_schema *b = NULL;
  strata_diag diag;
  strata_error rc =
      strata_schema_parse(STRATA_SCHEMA_PROTOBUF, (const char *)bytes, len, NULL, 0, &b, &diag);
  ck_assert_msg(rc == STRATA_E_OK, "%s", diag.message);
  ck_assert_str_eq(strata_schema_canonical(b), strata_schema_canonical(s));
  ck_assert(strata_schema_fingerprint(b) == strata_schema_fingerprint(s));
  strata_schema_free(&b);
  free(bytes);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_canonical_reparses) {
  const char *text = "syntax = \"proto2\";\npackage q;\n"
                     "import \"google/protobuf/descriptor.proto\";\n"
                     "enum E { option allow_alias = true; A = 0; B = 0 [deprecated = true]; }\n"
                     "message M {\n"
                     "  option deprecated = true;\n"
                     "  required string s = 1 [default = \"a\\tb\"];\n"
                     "  repeated group G = 2 { optional E e = 1 [default = B]; }\n"
                     "  oneof o { int32 i = 3; string t = 4; }\n"
                     "  map<int32, E> m = 5;\n"
                     "  extensions 10 to 20;\n"
                     "  reserved 30 to 40, 50;\n"
                     "  reserved \"old\";\n"
                     "}\n"
                     "extend M { optional int32 ext = 10 [deprecated = true]; }\n"
                     "extend google.protobuf.FileOptions { optional M meta = 50000; }\n"
                     "option (meta) = { s: \"v\" };\n"
                     "service S { rpc Get(M) returns (M) { option deprecated = true; } }\n";
  strata_schema *s = parse_ok(text);
  strata_schema *again = parse_ok(strata_schema_canonical(s));
  ck_assert_str_eq(strata_schema_canonical(again), strata_schema_canonical(s));
  ck_assert_str_eq(strata_schema_normal_form(again), strata_schema_normal_form(s));
  strata_schema_free(&again);
  strata_schema_free(&s);
}
END_TEST

START_TEST(test_normalized_sorts_options) {
  strata_schema *a = parse_ok("syntax = \"proto3\";\noption java_package = \"x\";\noption "
                              "go_package = \"y\";\nmessage M {}\n");
  strata_schema *b = parse_ok("syntax = \"proto3\";\noption go_package = \"y\";\noption "
                              "java_package = \"x\";\nmessage M {}\n");
  ck_assert_str_eq(strata_schema_normal_form(a), strata_schema_normal_form(b));
  ck_assert(strata_schema_fingerprint(a) == strata_schema_fingerprint(b));
  strata_schema_free(&a);
  strata_schema_free(&b);
}
END_TEST

static Suite *proto_suite(void) {
  Suite *s = suite_create("proto_parse");
  TCase *model = tcase_create("model");
  tcase_add_test(model, test_scoping_rules);
  tcase_add_test(model, test_innermost_scope_wins);
  tcase_add_test(model, test_json_names_and_map_entries);
  tcase_add_test(model, test_proto3_optional_synthetic_oneofs);
  tcase_add_test(model, test_groups_and_defaults);
  tcase_add_test(model, test_options_interpreted);
  tcase_add_test(model, test_aggregate_option);
  tcase_add_test(model, test_services_and_extensions);
  tcase_add_test(model, test_editions_parsed);
  suite_add_tcase(s, model);
  TCase *errs = tcase_create("errors");
  tcase_add_loop_test(errs, test_errors, 0, (int)(sizeof errors / sizeof errors[0]));
  tcase_add_test(errs, test_error_line_and_column);
  suite_add_tcase(s, errs);
  TCase *hostile = tcase_create("hostile");
  tcase_add_test(hostile, test_deep_nesting);
  tcase_add_test(hostile, test_deep_aggregate);
  tcase_add_test(hostile, test_huge_numbers);
  tcase_add_test(hostile, test_unterminated);
  tcase_add_test(hostile, test_import_cycle);
  suite_add_tcase(s, hostile);
  TCase *files = tcase_create("files");
  tcase_add_test(files, test_loader_imports_public);
  tcase_add_test(files, test_references_by_name);
  tcase_add_test(files, test_binary_input_round_trip);
  tcase_add_test(files, test_canonical_reparses);
  tcase_add_test(files, test_normalized_sorts_options);
  suite_add_tcase(s, files);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(proto_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
