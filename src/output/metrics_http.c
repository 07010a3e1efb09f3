// SPDX-License-Identifier: GPL-2.0-or-later
/* The monitor's /metrics endpoint over libmicrohttpd (see metrics_http.h). */
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "output/metrics_http.h"
#include "util/util.h"

bool metrics_listen_parse(const char *text, struct sockaddr_storage *ss)
{
	const char *colon = strrchr(text, ':');
	char host[64];
	size_t n = colon ? (size_t)(colon - text) : 0;
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;

	if (!colon || !colon[1] || *end || port < 1 || port > 65535 || n >= sizeof(host))
		return false;
	memcpy(host, text, n);
	host[n] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[n - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, n ? host : "127.0.0.1", &a4->sin_addr) == 1;
}

#ifdef PK_NO_HTTP

bool metrics_http_available(void)
{
	return false;
}

struct metrics_http *metrics_http_start(const char *listen, int *status)
{
	*status = PK_ERR_USAGE;
	pk_error("--listen %s: this build has no HTTP server (the static binary is built without "
		 "libmicrohttpd); use --textfile", listen);
	return NULL;
}

void metrics_http_publish(struct metrics_http *h, char *text)
{
	(void)h;
	free(text);
}

unsigned long metrics_http_served(struct metrics_http *h)
{
	(void)h;
	return 0;
}

unsigned long metrics_http_refused(struct metrics_http *h)
{
	(void)h;
	return 0;
}

void metrics_http_stop(struct metrics_http *h)
{
	(void)h;
}

#else

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <microhttpd.h>

/*
 * libmicrohttpd is loaded when a monitor listens, not linked: it brings
 * gnutls and eight more libraries, whose loading and initialisers cost every
 * command about 6.5 ms at start (probekit --version: 13.9 ms against 7.3).
 */
#define MHD_SONAME "libmicrohttpd.so.12"

static struct {
	void *handle;
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
} mhd;

static bool symbol(void *h, const char *name, void *fn)
{
	void *p = dlsym(h, name);

	memcpy(fn, &p, sizeof(p));	/* POSIX: a data pointer that holds a function's address */
	return p != NULL;
}

/* Once, from the monitor's thread, before any server runs; never unloaded. */
static bool load_mhd(void)
{
	void *h;

	if (mhd.handle)
		return true;
	if (!(h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL))) {
		pk_error("--listen: cannot load %s (Debian's libmicrohttpd12): %s", MHD_SONAME,
			 dlerror());
		return false;
	}
	if (!symbol(h, "MHD_start_daemon", &mhd.start_daemon) ||
	    !symbol(h, "MHD_stop_daemon", &mhd.stop_daemon) ||
	    !symbol(h, "MHD_create_response_from_buffer", &mhd.create_response_from_buffer) ||
	    !symbol(h, "MHD_add_response_header", &mhd.add_response_header) ||
	    !symbol(h, "MHD_queue_response", &mhd.queue_response) ||
	    !symbol(h, "MHD_destroy_response", &mhd.destroy_response)) {
		pk_error("--listen: %s lacks a function probekit calls: %s", MHD_SONAME, dlerror());
		dlclose(h);
		return false;
	}
	mhd.handle = h;
	return true;
}

/* few clients scrape a host: Prometheus, maybe a person with curl */
#define HTTP_CONNECTIONS 16
#define HTTP_PER_ADDRESS 4
#define HTTP_TIMEOUT_S 5
#define HTTP_CONNECTION_MEMORY 16384	/* request line and headers; more is refused */

struct metrics_http {
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	char *text;		/* the last published metrics */
	unsigned long served, refused;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *body,
			     bool head)
{
	struct MHD_Response *r = mhd.create_response_from_buffer(head ? 0 : strlen(body),
								 (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				code == MHD_HTTP_OK ? "text/plain; version=0.0.4; charset=utf-8"
						    : "text/plain; charset=utf-8");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, code, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result refuse(struct metrics_http *h, struct MHD_Connection *c, unsigned code,
			      const char *body)
{
	pthread_mutex_lock(&h->lock);
	h->refused++;
	pthread_mutex_unlock(&h->lock);
	return reply(c, code, body, false);
}

/* Runs in libmicrohttpd's thread: reads nothing but the published text. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	struct metrics_http *h = cls;
	bool head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
	enum MHD_Result ret;

	(void)version, (void)upload, (void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && !head)
		return refuse(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET /metrics\n");
	if (*upload_size)	/* a GET with a body: not ours to read */
		return refuse(h, c, MHD_HTTP_BAD_REQUEST, "no body, please\n");
	if (strcmp(url, "/metrics"))
		return refuse(h, c, MHD_HTTP_NOT_FOUND, "only /metrics\n");
	pthread_mutex_lock(&h->lock);
	if (h->text) {
		h->served++;
		ret = reply(c, MHD_HTTP_OK, h->text, head);	/* copied under the lock */
	} else {	/* not tracing yet: an empty 200 would be a target with no series */
		ret = reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "not tracing yet\n", head);
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

bool metrics_http_available(void)
{
	return true;
}

struct metrics_http *metrics_http_start(const char *listen, int *status)
{
	struct sockaddr_storage ss;
	struct metrics_http *h;
	sigset_t all, old;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;

	if (!metrics_listen_parse(listen, &ss)) {
		pk_error("--listen %s: not ADDR:PORT ([ADDR]:PORT for IPv6, :PORT for 127.0.0.1)",
			 listen);
		*status = PK_ERR_USAGE;
		return NULL;
	}
	if (!load_mhd()) {
		*status = PK_ERR_RUNTIME;
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h = xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	/* its thread takes no signals: a SIGTERM must wake the tracing loop's poll() */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	h->daemon = mhd.start_daemon(flags, 0, NULL, NULL, on_request, h,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONNECTIONS,
				     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_PER_ADDRESS,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
				     MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->daemon) {
		pk_error("--listen %s: cannot listen there (in use, or not an address of this host)",
			 listen);
		*status = PK_ERR_RUNTIME;
		pthread_mutex_destroy(&h->lock);
		free(h);
		return NULL;
	}
	return h;
}

void metrics_http_publish(struct metrics_http *h, char *text)
{
	char *old;

	pthread_mutex_lock(&h->lock);
	old = h->text;
	h->text = text;
	pthread_mutex_unlock(&h->lock);
	free(old);
}

static unsigned long counted(struct metrics_http *h, const unsigned long *n)
{
	unsigned long v;

	pthread_mutex_lock(&h->lock);
	v = *n;
	pthread_mutex_unlock(&h->lock);
	return v;
}

unsigned long metrics_http_served(struct metrics_http *h)
{
	return counted(h, &h->served);
}

unsigned long metrics_http_refused(struct metrics_http *h)
{
	return counted(h, &h->refused);
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	mhd.stop_daemon(h->daemon);
	pthread_mutex_destroy(&h->lock);
	free(h->text);
	free(h);
}

#endif
