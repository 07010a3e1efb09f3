// SPDX-License-Identifier: GPL-2.0-or-later
/* Values of decoded records: addresses from raw bytes, equality and hashing for keys. */
#include <arpa/inet.h>
#include <string.h>

#include "record/record.h"
#include "util/hash.h"

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

void value_set_addr(struct value *v, const uint8_t *src, int size)
{
	uint8_t raw[28];

	/* src may point into v itself */
	memcpy(raw, src, size < 28 ? size : 28);
	memset(v->addr, 0, sizeof(v->addr));
	v->present = true;
	if (size == 4) {
		v->family = AF_INET;
		memcpy(v->addr, raw, 4);
	} else if (size == 16 && !memcmp(raw, v4mapped_prefix, 12)) {
		v->family = AF_INET;	/* dual-stack socket talking IPv4 */
		memcpy(v->addr, raw + 12, 4);
	} else if (size == 16) {
		v->family = AF_INET6;
		memcpy(v->addr, raw, 16);
	} else if (size >= 16) {	/* struct sockaddr_in / sockaddr_in6 */
		uint16_t fam, port;

		memcpy(&fam, raw, 2);
		memcpy(&port, raw + 2, 2);
		v->port = ntohs(port);
		if (fam == AF_INET6 && size >= 24)
			value_set_addr(v, raw + 8, 16);
		else if (fam == AF_INET)
			value_set_addr(v, raw + 4, 4);
		else
			v->present = false;
		v->port = ntohs(port);
	} else {
		v->present = false;
	}
}

bool value_addr_equal(const struct value *v, const struct inet_value *a)
{
	if (!v->present)
		return false;
	if (a->family == AF_INET6 && !memcmp(a->addr, v4mapped_prefix, 12))
		return v->family == AF_INET && !memcmp(v->addr, a->addr + 12, 4);
	return v->family == a->family && !memcmp(v->addr, a->addr, a->family == AF_INET ? 4 : 16);
}

