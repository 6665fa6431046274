/*
 * options.c - strata-registry's options: flags > config file > environment >
 * defaults (options.h).
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <strata/compat.h>
#include <strata/version.h>

/** The options, in the order --help lists them. */
typedef enum opt_id {
  OPT_LISTEN,
  OPT_DATA,
  OPT_CONFIG,
  OPT_ACCESS_LOG,
  OPT_MAX_BODY,
  OPT_THREADS,
  OPT_CLUSTER_ID,
  OPT_DEFAULT_COMPATIBILITY,
  OPT__COUNT
} opt_id;

typedef struct opt_def {
  const char *name;  /* long flag without "--", also the config-file key */
  const char *env;   /* environment variable */
  const char *value; /* placeholder in --help */
  const char *def;   /* default value; NULL: unset */
  const char *help;
} opt_def;

static const opt_def opt_defs[OPT__COUNT] = {
    [OPT_LISTEN] = {"listen", "STRATA_LISTEN", "HOST:PORT", "127.0.0.1:8081",
                    "address to listen on; port 0 picks a free port; IPv6 as [::1]:8081"},
    [OPT_DATA] = {"data", "STRATA_DATA", "PATH", "./data/strata.db",
                  "SQLite database file (missing directories are created)"},
    [OPT_CONFIG] = {"config", "STRATA_CONFIG", "FILE", NULL,
                    "config file of \"name = value\" lines (names as the long options)"},
    [OPT_ACCESS_LOG] = {"access-log", "STRATA_ACCESS_LOG", "FILE|-", NULL,
                        "write one line per request to FILE, or to stderr for \"-\""},
    [OPT_MAX_BODY] = {"max-body", "STRATA_MAX_BODY", "BYTES", "8m",
                      "largest request body accepted (suffixes k, m, g); larger gets 413"},
    [OPT_THREADS] = {"threads", "STRATA_THREADS", "N", NULL,
                     "HTTP worker threads (default: the number of CPUs)"},
    [OPT_CLUSTER_ID] = {"cluster-id", "STRATA_CLUSTER_ID", "ID", "strata",
                        "cluster id reported by GET /v1/metadata/id"},
    [OPT_DEFAULT_COMPATIBILITY] = {"default-compatibility", "STRATA_DEFAULT_COMPATIBILITY", "LEVEL",
                                   "BACKWARD", "compatibility level used when none is configured"},
};

/** A value and where it came from ("--listen", "STRATA_LISTEN", "file.conf:3", "default"). */
typedef struct opt_value {
  char *text;
  char *source;
} opt_value;

static void opt_value_set(opt_value *v, const char *text, const char *source) {
  free(v->text);
  free(v->source);
  v->text = text != NULL ? strdup(text) : NULL;
  v->source = source != NULL ? strdup(source) : NULL;
}

static void opt_value_clear(opt_value *v) {
  free(v->text);
  free(v->source);
  v->text = NULL;
  v->source = NULL;
}

static int opt_find(const char *name, size_t len) {
  for (int i = 0; i < OPT__COUNT; i++) {
    if (strlen(opt_defs[i].name) == len && strncmp(opt_defs[i].name, name, len) == 0) {
      return i;
    }
  }
  return -1;
}

static unsigned opt_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

static void opt_help(FILE *out) {
  fprintf(out, "Usage: strata-registry [OPTION]...\n"
               "Serves the Confluent Schema Registry REST API over HTTP.\n\n"
               "Options (flags win over the config file, which wins over the environment):\n");
  for (int i = 0; i < OPT__COUNT; i++) {
    const opt_def *d = &opt_defs[i];
    char flag[64];
    snprintf(flag, sizeof flag, "--%s %s", d->name, d->value);
    fprintf(out, "  %-34s %s\n", flag, d->help);
    if (i == OPT_THREADS) {
      fprintf(out, "  %-34s   env %s, default: %u (CPUs)\n", "", d->env, opt_cpu_count());
    } else {
      fprintf(out, "  %-34s   env %s, default: %s\n", "", d->env,
              d->def != NULL ? d->def : "none (off)");
    }
  }
  fprintf(out, "  %-34s %s\n", "--help", "print this help and exit");
  fprintf(out, "  %-34s %s\n", "--version", "print the version and exit");
  fprintf(out, "\nOn SIGTERM or SIGINT the server finishes the requests in flight and exits 0.\n");
}

/* Removes leading and trailing whitespace in place. */
static char *opt_trim(char *s) {
  while (isspace((unsigned char)*s)) {
    s++;
  }
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) {
    s[--n] = '\0';
  }
  return s;
}

/* Reads the config file into @p values; false after reporting an error. */
static bool opt_read_file(const char *path, opt_value *values, FILE *err) {
  bool ok = false;
  char *line = NULL;
  size_t cap = 0;
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    fprintf(err, "strata-registry: cannot read config file %s: %s\n", path, strerror(errno));
    return false;
  }
  unsigned lineno = 0;
  while (getline(&line, &cap, f) >= 0) {
    lineno++;
    char *text = opt_trim(line);
    if (text[0] == '\0' || text[0] == '#') {
      continue;
    }
    char *eq = strchr(text, '=');
    if (eq == NULL) {
      fprintf(err, "strata-registry: %s:%u: expected \"name = value\"\n", path, lineno);
      goto cleanup;
    }
    *eq = '\0';
    char *key = opt_trim(text);
    char *value = opt_trim(eq + 1);
    size_t vlen = strlen(value);
    if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
      value[vlen - 1] = '\0';
      value++;
    }
    int id = opt_find(key, strlen(key));
    if (id < 0 || id == OPT_CONFIG) {
      fprintf(err, "strata-registry: %s:%u: unknown key \"%s\"\n", path, lineno, key);
      goto cleanup;
    }
    char source[512];
    snprintf(source, sizeof source, "%s:%u", path, lineno);
    opt_value_set(&values[id], value, source);
  }
  if (ferror(f)) {
    fprintf(err, "strata-registry: cannot read config file %s: %s\n", path, strerror(errno));
    goto cleanup;
  }
  ok = true;

cleanup:
  free(line);
  fclose(f);
  return ok;
}

static bool opt_parse_listen(const char *text, opt_options *out) {
  const char *host = text;
  size_t host_len = 0;
  const char *port = NULL;
  if (text[0] == '[') {
    const char *close = strchr(text, ']');
    if (close == NULL || close[1] != ':') {
      return false;
    }
    host = text + 1;
    host_len = (size_t)(close - host);
    port = close + 2;
  } else {
    const char *colon = strrchr(text, ':');
    if (colon == NULL || memchr(text, ':', (size_t)(colon - text)) != NULL) {
      return false; /* no port, or an IPv6 address without brackets */
    }
    host_len = (size_t)(colon - text);
    port = colon + 1;
  }
  if (host_len == 0 || port[0] == '\0' || strlen(port) > 5) {
    return false;
  }
  unsigned long p = 0;
  for (const char *c = port; *c != '\0'; c++) {
    if (!isdigit((unsigned char)*c)) {
      return false;
    }
    p = p * 10 + (unsigned long)(*c - '0');
  }
  if (p > 65535) {
    return false;
  }
  out->host = strndup(host, host_len);
  out->port = (uint16_t)p;
  return out->host != NULL;
}

static bool opt_parse_size(const char *text, size_t *out) {
  if (!isdigit((unsigned char)text[0])) {
    return false;
  }
  errno = 0;
  char *end = NULL;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno != 0) {
    return false;
  }
  unsigned long long mult = 1;
  if (*end != '\0') {
    switch (tolower((unsigned char)*end)) {
    case 'k':
      mult = 1024ULL;
      break;
    case 'm':
      mult = 1024ULL * 1024;
      break;
    case 'g':
      mult = 1024ULL * 1024 * 1024;
      break;
    default:
      return false;
    }
    end++;
    if (*end == 'b' || *end == 'B') {
      end++;
    }
    if (*end != '\0') {
      return false;
    }
  }
  if (v == 0 || v > SIZE_MAX / mult) {
    return false;
  }
  *out = (size_t)(v * mult);
  return true;
}

static bool opt_parse_threads(const char *text, unsigned *out) {
  if (!isdigit((unsigned char)text[0]) || strlen(text) > 4) {
    return false;
  }
  char *end = NULL;
  unsigned long v = strtoul(text, &end, 10);
  if (*end != '\0' || v < 1 || v > 1024) {
    return false;
  }
  *out = (unsigned)v;
  return true;
}

static char *opt_dup_or_null(const char *s) {
  return s != NULL ? strdup(s) : NULL;
}

/* Validates the final value of option @p id into @p out; false after reporting. */
static bool opt_apply(int id, const opt_value *v, opt_options *out, FILE *err) {
  const char *text = v->text;
  const char *what = NULL;
  bool ok = true;
  switch ((opt_id)id) {
  case OPT_LISTEN:
    out->listen = opt_dup_or_null(text);
    ok = opt_parse_listen(text, out);
    what = "expected HOST:PORT, e.g. 127.0.0.1:8081 or [::1]:8081";
    break;
  case OPT_DATA:
    ok = text[0] != '\0';
    out->data = opt_dup_or_null(text);
    what = "expected a file path";
    break;
  case OPT_CONFIG:
    out->config = opt_dup_or_null(text);
    break;
  case OPT_ACCESS_LOG:
    ok = text[0] != '\0';
    out->access_log = opt_dup_or_null(text);
    what = "expected a file path or \"-\"";
    break;
  case OPT_MAX_BODY:
    ok = opt_parse_size(text, &out->max_body);
    what = "expected a positive number of bytes, optionally with a suffix k, m or g";
    break;
  case OPT_THREADS:
    ok = opt_parse_threads(text, &out->threads);
    what = "expected a number of threads from 1 to 1024";
    break;
  case OPT_CLUSTER_ID:
    ok = text[0] != '\0';
    out->cluster_id = opt_dup_or_null(text);
    what = "expected a non-empty id";
    break;
  case OPT_DEFAULT_COMPATIBILITY: {
    strata_compat_level level;
    ok = strata_compat_level_from_name(text, &level) == STRATA_E_OK;
    if (ok) {
      out->default_compatibility = opt_dup_or_null(strata_compat_level_name(level));
    }
    what = "expected NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL or "
           "FULL_TRANSITIVE";
    break;
  }
  case OPT__COUNT:
    break;
  }
  if (!ok) {
    fprintf(err, "strata-registry: invalid value \"%s\" for %s (%s): %s\n", text, opt_defs[id].name,
            v->source, what);
  }
  return ok;
}

opt_outcome opt_load(int argc, char **argv, opt_options *out, FILE *out_stream, FILE *err_stream) {
  opt_outcome outcome = OPT_EXIT_USAGE;
  opt_value flags[OPT__COUNT] = {{0}};
  opt_value values[OPT__COUNT] = {{0}};
  memset(out, 0, sizeof *out);

  /* Flags first: they name the config file and win over everything else. */
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      opt_help(out_stream);
      outcome = OPT_EXIT_SUCCESS;
      goto cleanup;
    }
    if (strcmp(arg, "--version") == 0) {
      fprintf(out_stream, "strata-registry %s\n", STRATA_VERSION);
      outcome = OPT_EXIT_SUCCESS;
      goto cleanup;
    }
    if (strncmp(arg, "--", 2) != 0) {
      fprintf(err_stream, "strata-registry: unexpected argument \"%s\" (see --help)\n", arg);
      goto cleanup;
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t name_len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    int id = opt_find(name, name_len);
    if (id < 0) {
      fprintf(err_stream, "strata-registry: unknown option \"--%.*s\" (see --help)\n",
              (int)name_len, name);
      goto cleanup;
    }
    const char *value = NULL;
    if (eq != NULL) {
      value = eq + 1;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      fprintf(err_stream, "strata-registry: option --%s needs a value (%s)\n", opt_defs[id].name,
              opt_defs[id].value);
      goto cleanup;
    }
    char source[80];
    snprintf(source, sizeof source, "--%s", opt_defs[id].name);
    opt_value_set(&flags[id], value, source);
  }

  /* Defaults, then the environment, then the config file, then the flags. */
  for (int id = 0; id < OPT__COUNT; id++) {
    if (opt_defs[id].def != NULL) {
      opt_value_set(&values[id], opt_defs[id].def, "default");
    }
    const char *env = getenv(opt_defs[id].env);
    if (env != NULL && env[0] != '\0') {
      opt_value_set(&values[id], env, opt_defs[id].env);
    }
  }
  if (flags[OPT_CONFIG].text != NULL) {
    opt_value_set(&values[OPT_CONFIG], flags[OPT_CONFIG].text, flags[OPT_CONFIG].source);
  }
  if (values[OPT_CONFIG].text != NULL) {
    if (values[OPT_CONFIG].text[0] == '\0') {
      fprintf(err_stream, "strata-registry: invalid value \"\" for config (%s)\n",
              values[OPT_CONFIG].source);
      goto cleanup;
    }
    if (!opt_read_file(values[OPT_CONFIG].text, values, err_stream)) {
      goto cleanup;
    }
  }
  for (int id = 0; id < OPT__COUNT; id++) {
    if (flags[id].text != NULL) {
      opt_value_set(&values[id], flags[id].text, flags[id].source);
    }
  }

  for (int id = 0; id < OPT__COUNT; id++) {
    if (values[id].text != NULL && !opt_apply(id, &values[id], out, err_stream)) {
      goto cleanup;
    }
  }
  if (out->threads == 0) {
    out->threads = opt_cpu_count();
  }
  outcome = OPT_RUN;

cleanup:
  for (int id = 0; id < OPT__COUNT; id++) {
    opt_value_clear(&flags[id]);
    opt_value_clear(&values[id]);
  }
  return outcome;
}

void opt_free(opt_options *opts) {
  if (opts == NULL) {
    return;
  }
  free(opts->listen);
  free(opts->host);
  free(opts->data);
  free(opts->config);
  free(opts->access_log);
  free(opts->cluster_id);
  free(opts->default_compatibility);
  memset(opts, 0, sizeof *opts);
}
