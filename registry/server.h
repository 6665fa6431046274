/*
 * server.h - the HTTP server of strata-registry, on libmicrohttpd.
 *
 * A thread pool with epoll answers the requests: each one is routed
 * (routes.h), checked (body size, Content-Type, Accept), handed to its
 * handler and answered with the handler's body (sent without copying) or
 * Confluent's error shape {"error_code":N,"message":"..."}.
 */
#ifndef STRATA_REGISTRY_SERVER_H
#define STRATA_REGISTRY_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <strata/error.h>

#include "core/registry.h"

/** How to run the server. Zero-initialise, then set what differs from the defaults. */
typedef struct srv_options {
  /** address or host name to listen on (borrowed for the call); NULL: "127.0.0.1" */
  const char *host;
  /** TCP port; 0 picks a free one (see srv_port()) */
  uint16_t port;
  /** HTTP worker threads; 0: the number of CPUs */
  unsigned threads;
  /** largest request body in bytes (larger gets 413); 0: 8 MiB */
  size_t max_body;
  /** access log: a file appended to, "-" for stderr, NULL for none (borrowed for the call) */
  const char *access_log;
} srv_options;

/** A running server (opaque). */
typedef struct srv_server srv_server;

/** The default of srv_options.max_body. */
#define SRV_DEFAULT_MAX_BODY ((size_t)8 * 1024 * 1024)

/**
 * Binds the listening socket and starts answering requests with @p reg
 * (borrowed; it must outlive the server). Returns a new server in @p out
 * (stop with srv_stop()), or STRATA_E_INVALID_ARGUMENT (bad address, port in
 * use, ...) / STRATA_E_NOMEM with a description in @p err (@p errlen bytes).
 */
strata_error srv_start(const srv_options *opts, reg_registry *reg, srv_server **out, char *err,
                       size_t errlen);

/** The port the server listens on (the real one when 0 was asked for). */
uint16_t srv_port(const srv_server *srv);

/**
 * Stops accepting connections, lets the requests in flight finish (for up to
 * ten seconds), closes every connection and frees @p srv (NULL-safe).
 */
void srv_stop(srv_server *srv);

#endif /* STRATA_REGISTRY_SERVER_H */
