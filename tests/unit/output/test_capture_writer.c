// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The capture writer's child: the file appears under its final name only
 * whole; a failed or killed writer leaves neither name; the parent's memory
 * as it was at the start is what the child writes.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/capture_writer.h"
#include "test.h"
#include "util/util.h"

static bool fill_text(void *ctx, FILE *f)
{
	return fputs(ctx, f) >= 0;
}

static bool fill_fails(void *ctx, FILE *f)
{
	(void)ctx;
	fputs("half", f);
	errno = ENOSPC;
	return false;
}

static bool fill_slowly(void *ctx, FILE *f)
{
	(void)ctx;
	fputs("started", f);
	fflush(f);
	sleep(30);
	return true;
}

static char *names(const char *base, char **tmp)
{
	char *dir = write_temp(base, "");	/* a path in the test's directory */

	unlink(dir);
	*tmp = xasprintf("%s.tmp", dir);
	return dir;
}

static int finish(struct capture_writer *w, int *err)
{
	return capture_writer_wait(w, 20000000000LL, err);
}

static void writes_whole_or_nothing(void)
{
	struct capture_writer w = { 0 };
	char text[] = "the ring as it was";
	char *tmp, *path = names("cw-ok", &tmp);
	char *got;
	int err = -1;

	CHECK(capture_writer_start(&w, xstrdup(path), xstrdup(tmp), fill_text, text));
	memcpy(text, "CHANGED", 7);	/* after the fork: the child does not see it */
	CHECK(w.pid > 0);
	CHECK(finish(&w, &err) == 1 && w.pid == 0);
	got = read_file(path, NULL);
	CHECK_STR(got, "the ring as it was");
	CHECK(access(tmp, F_OK) < 0);
	free(got);
	unlink(path);
	capture_writer_free(&w);

	CHECK(capture_writer_start(&w, xstrdup(path), xstrdup(tmp), fill_fails, NULL));
	CHECK(finish(&w, &err) == -1 && err == ENOSPC);
	CHECK(access(path, F_OK) < 0 && access(tmp, F_OK) < 0);
	capture_writer_free(&w);

	/* one that takes too long is killed and its hidden file removed */
	CHECK(capture_writer_start(&w, xstrdup(path), xstrdup(tmp), fill_slowly, NULL));
	CHECK(capture_writer_poll(&w, &err) == 0);
	/* the stop signals a group gets do not end it */
	usleep(200000);
	kill(w.pid, SIGTERM);
	usleep(200000);
	CHECK(capture_writer_poll(&w, &err) == 0);
	CHECK(capture_writer_wait(&w, 300000000LL, &err) == -1 && err == 0);
	CHECK(access(path, F_OK) < 0 && access(tmp, F_OK) < 0);
	capture_writer_free(&w);
	free(path);
	free(tmp);
}

/* The child of fork_without_files holds none of the parent's files once the parent goes on. */
static void forked_child_holds_no_files(void)
{
	int fd = open("/dev/null", O_RDONLY), st = -1, pid;

	CHECK(fd > 2);
	pid = fork_without_files();
	if (pid == 0)
		_exit(fcntl(fd, F_GETFD) < 0 && errno == EBADF ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(fcntl(fd, F_GETFD) >= 0);	/* the parent's stays open */
	close(fd);
}

const struct unit_test capture_writer_tests[] = {
	{ "capture writer: whole under the final name, or nothing; killed after its time",
	  writes_whole_or_nothing },
	{ "fork_without_files: the child holds none of the parent's files",
	  forked_child_holds_no_files },
	{ NULL, NULL },
};
