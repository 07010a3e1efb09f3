/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_METRICS_HTTP_H
#define PROBEKIT_METRICS_HTTP_H

/*
 * The monitor's /metrics endpoint (libmicrohttpd, its own thread). The
 * thread only ever copies the last text the monitor published: a scrape
 * never touches tracing state and never waits for it. Bounded against slow
 * or hostile clients: few connections (and fewer per address), a timeout
 * for each, a small memory pool per connection (a huge request is refused),
 * GET and HEAD of /metrics only.
 */
#include <stdbool.h>
#include <sys/socket.h>

struct metrics_http;

/* ADDR:PORT, [ADDR6]:PORT or :PORT (127.0.0.1) into a socket address; false if it is not one. */
bool metrics_listen_parse(const char *text, struct sockaddr_storage *ss);

/* Does this build serve HTTP (the static binary does not)? */
bool metrics_http_available(void);
/*
 * Listen on ADDR:PORT ("127.0.0.1:9464", "[::1]:9464"; ":9464" is
 * 127.0.0.1); NULL after a one-line message, *status PK_ERR_USAGE (not an
 * address, a build without libmicrohttpd) or PK_ERR_RUNTIME (in use, or
 * libmicrohttpd.so.12 cannot be loaded).
 */
struct metrics_http *metrics_http_start(const char *listen, int *status);
/* The text the next scrapes get (taken over; freed when replaced). */
void metrics_http_publish(struct metrics_http *h, char *text);
/* Scrapes served so far, requests refused (4xx). */
unsigned long metrics_http_served(struct metrics_http *h);
unsigned long metrics_http_refused(struct metrics_http *h);
void metrics_http_stop(struct metrics_http *h);

#endif
