/* The workbooks, shared between this process and a forked one when jobs allow (they take
 * about a second of CPU on the national sample). A process, not a thread: libxlsxwriter
 * keeps some state in globals (the buffers of gmtime and localtime among them). The child
 * is started as soon as the table is final, so that it writes its share while this
 * process writes the CSVs, then its own share: the child takes the national workbook and
 * the first regional ones, this process the CSVs and the rest, so that both take about
 * the same time (child_share_end; the files do not depend on who writes them). The child writes into
 * the same staging folder, sends its message through a pipe and ends with _exit; it dies
 * with this process (PR_SET_PDEATHSIG) and holds the output folder's lock with it, so no
 * other run can use the folder while it writes. Without fork or pipe, this process writes
 * all. It never prints. */
#include "pipeline_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: writes its share and reports through fd. Never returns. */
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

/* The child's share: the national workbook and the first m regional ones; this process
 * writes the CSVs and the other regional ones. m balances the two sides by weights measured
 * on the national sample (`--jobs 1`, each workbook timed; 2026-12): a regional workbook
 * takes about the same time whatever its region (0.019 to 0.031 s, 1 unit), the national
 * one about 2.7 units and the CSVs this process writes about 2.5 (indicateurs, evolution).
 * So the child takes m = (regional + 2.5 - 2.7) / 2 regional ones, rounded: 9 of 18. With
 * the former share of 60 % (11 of 18), the child wrote for 0.31 s and this process for
 * 0.20 s, then waited 0.1 s for it. */
#define WB_NATIONAL_TENTHS 27 /* the national workbook, in tenths of a regional one */
#define WB_CSV_TENTHS 25      /* this process's CSVs, the same */
static size_t child_share_end(const spie_workbook_input *wbi)
{
    size_t regional = spie_workbooks_count(wbi->terr) - 1;
    long twice_m = (long)regional * 10 + WB_CSV_TENTHS - WB_NATIONAL_TENTHS; /* 2m, in tenths */
    size_t m = twice_m <= 0 ? 0 : ((size_t)twice_m + 10) / 20; /* rounded to the nearest */
    return 1 + (m < regional ? m : regional);
}

void spie_pipeline_workbooks_start(spie_wb_writer *wr, const char *dir, spie_workbook_input *wbi, int jobs,
                                   bool child_fails)
{
    wr->pid = 0;
    wr->fd = -1;
    int fd[2];
    if (jobs < 2 || spie_workbooks_count(wbi->terr) < 2 || pipe(fd) != 0)
        return;
    const pid_t parent = getpid();
    wbi->first = 0;
    wbi->end = child_share_end(wbi);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        child_writes(fd[1], dir, wbi, parent, child_fails);
    }
    close(fd[1]);
    wbi->first = wbi->end = 0;
    if (pid < 0) {
        close(fd[0]);
        return;
    }
    wr->pid = pid;
    wr->fd = fd[0];
}

/* Waits for the child; its exit status as an errno value (0: written), its message in
 * cmsg (empty when it sent none). */
static int child_wait(spie_wb_writer *wr, char *cmsg, size_t size)
{
    (void)read_message(wr->fd, cmsg, size); /* cmsg is empty when nothing came */
    close(wr->fd);
    int status = 0;
    pid_t w;
    while ((w = waitpid(wr->pid, &status, 0)) < 0 && errno == EINTR)
        ;
    wr->pid = 0;
    wr->fd = -1;
    return w < 0 ? ECHILD : WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

void spie_pipeline_workbooks_abort(spie_wb_writer *wr)
{
    if (!wr->pid)
        return;
    kill(wr->pid, SIGKILL); /* its share is of no use now */
    char cmsg[8];
    (void)child_wait(wr, cmsg, sizeof cmsg);
}

int spie_pipeline_workbooks_finish(spie_wb_writer *wr, const char *dir, spie_workbook_input *wbi,
                                   const volatile sig_atomic_t *cancel, char *msg, size_t msg_size)
{
    if (!wr->pid) { /* alone: every workbook in this process */
        int e = stop_asked(cancel) ? ECANCELED : spie_workbooks_write(dir, wbi, msg, msg_size);
        return !e && stop_asked(cancel) ? ECANCELED : e;
    }
    int e = 0;
    if (!stop_asked(cancel)) {
        wbi->first = child_share_end(wbi);
        wbi->end = spie_workbooks_count(wbi->terr);
        e = spie_workbooks_write(dir, wbi, msg, msg_size);
        wbi->first = wbi->end = 0;
    }
    if (stop_asked(cancel) || e) {
        spie_pipeline_workbooks_abort(wr);
        return stop_asked(cancel) ? ECANCELED : e;
    }
    char cmsg[512];
    int ce = child_wait(wr, cmsg, sizeof cmsg);
    if (stop_asked(cancel))
        return ECANCELED;
    if (ce)
        snprintf(msg, msg_size, "%s", cmsg[0] ? cmsg : "classeurs : le second processus d'écriture s'est arrêté");
    return ce;
}
