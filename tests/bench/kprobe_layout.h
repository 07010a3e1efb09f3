/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's own format of tcp-retrans's kprobes (args packed in order, as
 * kprobe_events lays them out), for decoding without a kernel: IDs 3001-3003.
 * Shared by the unit tests, the reader fuzzer and its seed generator.
 */
#ifndef PROBEKIT_KPROBE_LAYOUT_H
#define PROBEKIT_KPROBE_LAYOUT_H

#include <stdio.h>
#include <string.h>
#include <event-parse.h>

#define KPROBE_REC_SIZE 81

static const char kprobe_layout_fields[] =
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:unsigned long __probe_ip;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 sk;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:u32 daddr;\toffset:24;\tsize:4;\tsigned:0;\n"
	"\tfield:u32 saddr;\toffset:28;\tsize:4;\tsigned:0;\n"
	"\tfield:u16 dport;\toffset:32;\tsize:2;\tsigned:0;\n"
	"\tfield:u16 sport;\toffset:34;\tsize:2;\tsigned:0;\n"
	"\tfield:u16 family;\toffset:36;\tsize:2;\tsigned:0;\n"
	"\tfield:u8 state;\toffset:38;\tsize:1;\tsigned:0;\n"
	"\tfield:u64 daddr6_hi;\toffset:39;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 daddr6_lo;\toffset:47;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 saddr6_hi;\toffset:55;\tsize:8;\tsigned:0;\n"
	"\tfield:u64 saddr6_lo;\toffset:63;\tsize:8;\tsigned:0;\n"
	"\tfield:u16 gso_segs;\toffset:71;\tsize:2;\tsigned:0;\n"
	"\tfield:u64 segs_max;\toffset:73;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"(%lx) sk=0x%Lx\", REC->__probe_ip, REC->sk\n";

/* retrans (3001), synack (3002) and tlp (3003) in group probekit_42; 0 on success */
static inline int kprobe_layout_parse(struct tep_handle *tep)
{
	static const char *const names[] = { "retrans", "synack", "tlp" };
	char text[2048];

	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "name: %s\nID: %d\n%s", names[i], 3001 + i,
			 kprobe_layout_fields);
		if (tep_parse_event(tep, text, strlen(text), "probekit_42"))
			return -1;
	}
	return 0;
}

#endif
