/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_SDNOTIFY_H
#define PROBEKIT_SDNOTIFY_H

/*
 * systemd's readiness protocol (Type=notify): one datagram of "KEY=VALUE"
 * lines to the socket $NOTIFY_SOCKET names (a path, or "@name" for an
 * abstract one). Nothing happens when it is not set. libsystemd is not
 * needed for one sendto().
 */
#include <stdbool.h>

/* Send state ("READY=1\nSTATUS=..."); false when NOTIFY_SOCKET is set but unusable. */
bool sd_notify_state(const char *state);

#endif
