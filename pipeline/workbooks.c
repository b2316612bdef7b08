/* The workbooks, shared between this process and a forked one when jobs allow (they take
 * about half a second on the national sample, on one core otherwise). A process, not a
 * thread: libxlsxwriter keeps some state in globals (the buffers of gmtime and localtime
 * among them). The child writes its share (spie_workbook_input.part) into the same
 * staging folder, sends its message through a pipe and ends with _exit; it dies with this
 * process (PR_SET_PDEATHSIG) and holds the output folder's lock with it, so no other run
 * can use the folder while it writes. Without fork or pipe, this process writes all.
 * It never prints. */
#include "pipeline_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: writes part 1 of 2 and reports through fd. Never returns. */
static void child_writes(int fd, const char *dir, spie_workbook_input *wbi, pid_t parent, bool fail)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(EIO); /* the parent is gone: nothing to write for */
    /* A stop request (Ctrl-C to the process group, SIGTERM) ends this writer at once: the
     * parent removes the staging folder. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    char cmsg[512] = "";
    wbi->part = 1;
    wbi->parts = 2;
    if (fail) /* test hook: this writer's files cannot be created */
        dir = "/nonexistent/spie-test";
    int e = spie_workbooks_write(dir, wbi, cmsg, sizeof cmsg);
    if (e) {
        ssize_t sent = write(fd, cmsg, strlen(cmsg));
        (void)sent; /* without its message the parent still reports the failure */
    }
    _exit(e == 0 ? 0 : e > 0 && e < 256 ? e : EIO);
}

/* Reads the child's message (up to size - 1 bytes) until it closes the pipe. */
static size_t read_message(int fd, char *buf, size_t size)
{
    size_t got = 0;
    for (;;) {
        ssize_t k = read(fd, buf + got, size - 1 - got);
        if (k > 0 && (got += (size_t)k) < size - 1)
            continue;
        if (k < 0 && errno == EINTR)
            continue;
        break;
    }
    buf[got] = '\0';
    return got;
}

static bool stop_asked(const volatile sig_atomic_t *cancel) { return cancel && *cancel; }

/* Alone: every workbook in this process. */
static int write_alone(const char *dir, spie_workbook_input *wbi, const volatile sig_atomic_t *cancel, char *msg,
                       size_t msg_size)
{
    int e = spie_workbooks_write(dir, wbi, msg, msg_size);
    return !e && stop_asked(cancel) ? ECANCELED : e;
}

int spie_pipeline_write_workbooks(const char *dir, spie_workbook_input *wbi, int jobs, bool child_fails,
                                  const volatile sig_atomic_t *cancel, char *msg, size_t msg_size)
{
    int fd[2];
    if (jobs < 2 || pipe(fd) != 0)
        return write_alone(dir, wbi, cancel, msg, msg_size);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return write_alone(dir, wbi, cancel, msg, msg_size);
    }
    if (pid == 0) {
        close(fd[0]);
        child_writes(fd[1], dir, wbi, parent, child_fails);
    }
    close(fd[1]);
    wbi->part = 0;
    wbi->parts = 2;
    int e = spie_workbooks_write(dir, wbi, msg, msg_size);
    wbi->parts = 0;
    if (stop_asked(cancel) || e)
        kill(pid, SIGKILL); /* its share is of no use now */
    char cmsg[512];
    size_t got = read_message(fd[0], cmsg, sizeof cmsg);
    close(fd[0]);
    int status = 0;
    pid_t w;
    while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    int ce = w < 0 ? ECHILD : WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
    if (stop_asked(cancel))
        return ECANCELED;
    if (e)
        return e;
    if (ce)
        snprintf(msg, msg_size, "%s", got ? cmsg : "classeurs : le second processus d'écriture s'est arrêté");
    return ce;
}
