// SPDX-License-Identifier: GPL-2.0-or-later
/* A capture written by a child process: tracing never waits for formatting or fdatasync. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/capture_writer.h"
#include "util/clock.h"
#include "util/util.h"

/* The child's exit status for "killed by us": errno values stay below it. */
#define EXIT_PARENT_GONE 250

static void child_setup(pid_t parent)
{
	sigset_t none;

	/* a stop signal to the whole group (systemd's) must not cut a capture short:
	 * the parent waits for it; if the parent dies instead, so does the child */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpriority(PRIO_PROCESS, 0, 10);	/* behind the read loop, on a CPU --cpu shares */
	if (getppid() != parent)
		_exit(EXIT_PARENT_GONE);
}

static int child_write(const char *path, const char *tmp, pid_t parent, capture_fill_fn fill,
		       void *ctx)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int err = 0;

	if (!f)
		return errno ? errno : EIO;
	if (!fill(ctx, f) || fflush(f) || ferror(f) || fdatasync(fileno(f)))
		err = errno ? errno : EIO;
	if (fclose(f) && !err)
		err = errno ? errno : EIO;
	/* the final name appears only once the whole capture is on disk, and only
	 * for a monitor still there to count it */
	if (!err && getppid() != parent)
		err = EXIT_PARENT_GONE;
	if (!err && rename(tmp, path))
		err = errno ? errno : EIO;
	if (err)
		unlink(tmp);
	return err;
}

bool capture_writer_start(struct capture_writer *w, char *path, char *tmp,
			  capture_fill_fn fill, void *ctx)
{
	pid_t parent = getpid(), pid;

	fflush(stderr);	/* nothing buffered is written twice */
	pid = fork_without_files();
	if (pid == 0) {
		child_setup(parent);
		_exit(child_write(path, tmp, parent, fill, ctx));
	}
	if (pid < 0) {
		int err = errno;

		free(path);
		free(tmp);
		errno = err;
		return false;
	}
	*w = (struct capture_writer){ .pid = pid, .started = clock_ns(CLOCK_MONOTONIC),
				      .path = path, .tmp = tmp };
	return true;
}

static int ended(struct capture_writer *w, int st, int *err)
{
	w->pid = 0;
	w->killed = false;
	*err = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	if (WIFEXITED(st) && !WEXITSTATUS(st))
		return 1;
	unlink(w->tmp);	/* a child killed half-way left it */
	return -1;
}

int capture_writer_poll(struct capture_writer *w, int *err)
{
	struct rusage ru;
	int st;
	pid_t got;

	if (!w->pid)
		return 0;
	got = wait4(w->pid, &st, WNOHANG, &ru);
	if (got > 0)	/* not in the parent's CPU clock: the caller adds it up */
		w->cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
			    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
	if (got == 0 || (got < 0 && errno == EINTR))
		return 0;
	if (got < 0) {	/* not our child any more: nothing to wait for */
		*err = ECHILD;
		w->pid = 0;
		w->killed = false;
		unlink(w->tmp);
		return -1;
	}
	return ended(w, st, err);
}

void capture_writer_kill(struct capture_writer *w)
{
	if (w->pid && !w->killed) {
		kill(w->pid, SIGKILL);
		w->killed = true;
	}
}

int capture_writer_wait(struct capture_writer *w, int64_t timeout_ns, int *err)
{
	/* a child in uninterruptible sleep (a hung disk) outlives SIGKILL: a
	 * little longer, then it is left to the polls */
	int64_t now = clock_ns(CLOCK_MONOTONIC), until = now + timeout_ns, give_up = until + 2000000000LL;
	int got;

	while (w->pid) {
		if ((got = capture_writer_poll(w, err)))
			return got;
		now = clock_ns(CLOCK_MONOTONIC);
		if (now >= until)
			capture_writer_kill(w);
		if (now >= give_up)
			return 0;
		usleep(20000);
	}
	return 0;
}

void capture_writer_free(struct capture_writer *w)
{
	free(w->path);
	free(w->tmp);
	w->path = w->tmp = NULL;
}
