/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef PROBEKIT_COMMANDS_H
#define PROBEKIT_COMMANDS_H

/* One entry point per subcommand, as in git's builtin/. argv[0] is the subcommand. */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_reset(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif
