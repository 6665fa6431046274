/*
 * cli_client.c - the global options, the registry connection and the
 * reporting of failed client calls, shared by the commands that talk to a
 * registry.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char default_registry[] = "http://127.0.0.1:8081";

int cli_global_option(cli_ctx *ctx, int argc, char **argv, int *i) {
  const char *value = NULL;
  int m;
  if ((m = cli_option_value(argc, argv, i, "--registry", &value)) != 0) {
    ctx->registry = value;
  } else if ((m = cli_option_value(argc, argv, i, "--user", &value)) != 0) {
    ctx->user = value;
  } else if ((m = cli_option_value(argc, argv, i, "--password", &value)) != 0) {
    ctx->password = value;
  } else if ((m = cli_option_value(argc, argv, i, "--token", &value)) != 0) {
    ctx->token = value;
  } else if ((m = cli_option_value(argc, argv, i, "--format", &value)) != 0) {
    if (m > 0) {
      if (strcmp(value, "text") == 0) {
        ctx->format = CLI_FORMAT_TEXT;
      } else if (strcmp(value, "json") == 0) {
        ctx->format = CLI_FORMAT_JSON;
      } else if (strcmp(value, "github") == 0) {
        ctx->format = CLI_FORMAT_GITHUB;
      } else {
        cli_error("unknown format '%s' (expected text, json or github)", value);
        return -1;
      }
    }
  }
  return m;
}

bool cli_format_allowed(const cli_ctx *ctx, const char *command, unsigned allowed) {
  if (((unsigned)ctx->format & allowed) != 0) {
    return true;
  }
  const char *name = ctx->format == CLI_FORMAT_JSON     ? "json"
                     : ctx->format == CLI_FORMAT_GITHUB ? "github"
                                                        : "text";
  cli_error("%s: --format %s is not supported by this command", command, name);
  return false;
}

/* Splits the comma-separated URL list in @p list into a new copy (*buf, free())
 * with the NUL-separated URLs and a new array of pointers into it (*urls). */
static size_t split_urls(const char *list, char **buf, const char ***urls) {
  size_t count = 0;
  char *copy = strdup(list);
  const char **items = calloc(strlen(list) + 1, sizeof *items);
  if (copy == NULL || items == NULL) {
    free(copy);
    free(items);
    return 0;
  }
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
    while (*tok == ' ') {
      tok++;
    }
    size_t n = strlen(tok);
    while (n > 0 && tok[n - 1] == ' ') {
      tok[--n] = '\0';
    }
    if (n > 0) {
      items[count++] = tok;
    }
  }
  *buf = copy;
  *urls = items;
  return count;
}

strata_client *cli_connect(const cli_ctx *ctx) {
  strata_client *client = NULL;
  char *buf = NULL;
  const char **urls = NULL;
  strata_client_options options;
  strata_client_error err;

  const char *list = ctx->registry != NULL ? ctx->registry : default_registry;
  size_t count = split_urls(list, &buf, &urls);
  if (count == 0) {
    cli_error("no registry URL in '%s'", list);
    goto cleanup;
  }
  strata_client_options_init(&options);
  options.urls = urls;
  options.url_count = count;
  options.username = ctx->user;
  options.password = ctx->password;
  options.bearer_token = ctx->token;
  if (strata_client_new(&options, &client, &err) != STRATA_E_OK) {
    cli_error("%s", err.message);
    client = NULL;
  }

cleanup:
  free(urls);
  free(buf);
  return client;
}

int cli_client_failure(const char *command, strata_error rc, const strata_client_error *err) {
  const char *message = err != NULL && err->message[0] != '\0' ? err->message : strata_strerror(rc);
  if (err != NULL && err->http_status != 0 && err->error_code != 0) {
    cli_error("%s: %s (HTTP %d, error %d)", command, message, err->http_status, err->error_code);
  } else if (err != NULL && err->http_status != 0) {
    cli_error("%s: %s (HTTP %d)", command, message, err->http_status);
  } else {
    cli_error("%s: %s", command, message);
  }
  if (rc == STRATA_E_INVALID_ARGUMENT) {
    return CLI_EXIT_USAGE;
  }
  if (rc == STRATA_E_UNAVAILABLE || rc == STRATA_E_BAD_RESPONSE || rc == STRATA_E_NOMEM ||
      (err != NULL && err->http_status >= 500)) {
    return CLI_EXIT_UNAVAILABLE;
  }
  return CLI_EXIT_FAILED;
}

int cli_print_json(const json_t *value) {
  char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
  if (text == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_USAGE;
  }
  puts(text);
  free(text);
  return CLI_EXIT_OK;
}

int cli_print_json_steal(json_t *value) {
  if (value == NULL) {
    cli_error("out of memory");
    return CLI_EXIT_USAGE;
  }
  int rc = cli_print_json(value);
  json_decref(value);
  return rc;
}
