/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_HASH_H
#define PROBEKIT_HASH_H

/* The hashes of group tables and pending latency starts: one set of constants. */
#include <stddef.h>
#include <stdint.h>

#define HASH_SEED 0xcbf29ce484222325ULL	/* FNV-1a offset basis */

/* A word at a time: this runs for every pair of a latency analysis. */
static inline uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* Bytes (FNV-1a): strings, and the tail of a key. */
static inline uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

#endif
