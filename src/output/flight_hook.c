// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --on-trigger: a command run with a capture's path once it is written, in
 * a process group of its own, holding none of the monitor's files, never
 * waited for by the loop, killed after its time limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/flight_impl.h"
#include "util/clock.h"

extern char **environ;

void flight_run_hook(struct flight *fl, const char *path)
{
	char *env_path, **env;
	int n = 0;
	pid_t pid;

	if (!fl->o.on_trigger)
		return;
	if (fl->hook > 0) {
		pk_warn("--on-trigger: the command still runs for the last capture; not run for %s",
			path);
		return;
	}
	/* built before fork: the child only calls what is safe after fork in threads */
	while (environ[n])
		n++;
	env = xcalloc(n + 2, sizeof(*env));
	memcpy(env, environ, n * sizeof(*env));
	env[n] = env_path = xasprintf("PROBEKIT_CAPTURE=%s", path);
	/* nothing of the monitor's: an open trace_pipe_raw would keep the
	 * instance from being removed while the command runs */
	pid = fork_without_files();
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (null >= 0)
			dup2(null, 0);	/* the copy on 0 is not close-on-exec */
		execle("/bin/sh", "sh", "-c", fl->o.on_trigger, "sh", path, (char *)NULL, env);
		_exit(127);
	}
	if (pid < 0) {
		pk_warn("--on-trigger: cannot start the command: %s", strerror(errno));
	} else {
		setpgid(pid, pid);	/* both sides: whichever runs first */
		fl->hook = pid;
		fl->hook_deadline = clock_ns(CLOCK_MONOTONIC) + (int64_t)fl->o.on_trigger_timeout_ns;
	}
	free(env_path);
	free(env);
}

void flight_reap_hook(struct flight *fl, bool block)
{
	int st;
	pid_t got;

	if (fl->hook <= 0)
		return;
	got = waitpid(fl->hook, &st, block ? 0 : WNOHANG);
	if (got == 0) {
		if (clock_ns(CLOCK_MONOTONIC) < fl->hook_deadline)
			return;
		kill(-fl->hook, SIGKILL);
		pk_warn("--on-trigger: the command ran out of time (%.0f s): killed",
			fl->o.on_trigger_timeout_ns / 1e9);
		got = waitpid(fl->hook, &st, 0);
	}
	if (got == fl->hook && WIFEXITED(st) && WEXITSTATUS(st))
		pk_warn("--on-trigger: the command exited with %d", WEXITSTATUS(st));
	fl->hook = 0;
}
