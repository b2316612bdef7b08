/* Atomic publication of a period's folder (include/spie/publish.h): the lock of the
 * output folder, the staging folder, the swap, and the removal of what killed runs left.
 * It moves and removes folders under <out> only, and never reads their files. */
#include "spie/publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spie/util.h"

struct spie_publish {
    char *out;
    char *final;
    char *staging;
    int lock_fd;
};

int spie_rmtree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : errno;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? 0 : errno;
    DIR *d = opendir(path);
    if (!d)
        return errno;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *c = spie_path_join(path, e->d_name);
        if (!c) {
            rc = ENOMEM;
            break;
        }
        int r = spie_rmtree(c);
        if (r && !rc)
            rc = r;
        free(c);
    }
    closedir(d);
    if (rmdir(path) != 0 && !rc)
        rc = errno;
    return rc;
}

int spie_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    if (close(fd) != 0 && !rc)
        rc = errno;
    return rc;
}

/* mkdir -p: creates the folder and its missing parents. 0 or an errno value. */
static int make_dirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return ENOMEM;
    int rc = 0;
    for (char *s = p + 1; *s && !rc; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            rc = errno;
        *s = '/';
    }
    if (!rc && mkdir(p, 0755) != 0 && errno != EEXIST)
        rc = errno;
    free(p);
    return rc;
}

static void free_pub(spie_publish *p)
{
    if (!p)
        return;
    if (p->lock_fd >= 0)
        close(p->lock_fd);
    free(p->out);
    free(p->final);
    free(p->staging);
    free(p);
}

/* Removes every staging folder a killed run left in out (".<name>.partiel", of any period:
 * the lock is held, so no other run is writing one), and the folders an interrupted run
 * was removing (".<name>.partiel.abandon"). 0 or an errno value. */
static int remove_leftovers(const char *out, char **bad)
{
    char **names;
    size_t n;
    int rc = spie_dir_list(out, &names, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *s = names[i];
        size_t len = strlen(s);
        bool staging = s[0] == '.' && ((len > 9 && !strcmp(s + len - 8, ".partiel")) ||
                                       (len > 17 && !strcmp(s + len - 16, ".partiel.abandon")));
        if (!staging)
            continue;
        char *path = spie_path_join(out, s);
        rc = path ? spie_rmtree(path) : ENOMEM;
        if (rc)
            *bad = path;
        else
            free(path);
    }
    spie_dir_list_free(names, n);
    return rc;
}

spie_publish *spie_publish_begin(const char *out, const char *name, const spie_publish_guard *guard,
                                 spie_error *err)
{
    spie_publish *p = calloc(1, sizeof *p);
    char *lock = NULL;
    char sname[64];
    if (!p)
        goto out_nomem;
    p->lock_fd = -1;
    if (!*name || strchr(name, '/') || name[0] == '.' || strlen(name) > 40) {
        spie_fail(err, SPIE_E_USAGE, NULL, 0, "« %s » : nom de dossier de publication invalide", name);
        goto out_fail;
    }
    snprintf(sname, sizeof sname, ".%s.partiel", name);
    p->out = strdup(out);
    p->final = spie_path_join(out, name);
    p->staging = spie_path_join(out, sname);
    lock = spie_path_join(out, ".spie.lock");
    if (!p->out || !p->final || !p->staging || !lock)
        goto out_nomem;
    int rc = make_dirs(out);
    if (rc) {
        spie_fail_errno(err, SPIE_E_OUTPUT, rc, out, "création du dossier de sortie impossible");
        goto out_fail;
    }
    p->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (p->lock_fd < 0) {
        spie_fail_errno(err, SPIE_E_OUTPUT, errno, lock, "%s", "");
        goto out_fail;
    }
    if (flock(p->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        spie_fail(err, SPIE_E_OUTPUT, out, 0,
                  "un autre traitement écrit déjà dans ce dossier, ou une vérification le lit (verrou %s)", lock);
        err->errnum = errno;
        goto out_fail;
    }
    char *bad = NULL;
    if ((rc = remove_leftovers(out, &bad))) {
        spie_fail_errno(err, SPIE_E_OUTPUT, rc, bad ? bad : out, "suppression impossible");
        free(bad);
        goto out_fail;
    }
    struct stat st;
    if (guard && lstat(p->final, &st) == 0 && guard->check(guard->ctx, p->final, &st, err) != SPIE_OK)
        goto out_fail;
    if (mkdir(p->staging, 0755) != 0) {
        spie_fail_errno(err, SPIE_E_OUTPUT, errno, p->staging, "%s", "");
        goto out_fail;
    }
    free(lock);
    return p;
out_nomem:
    spie_fail(err, SPIE_E_MEMORY, NULL, 0, "mémoire insuffisante");
out_fail:
    free(lock);
    free_pub(p);
    return NULL;
}

const char *spie_publish_staging(const spie_publish *p) { return p->staging; }

char *spie_publish_path(const spie_publish *p, const char *file) { return spie_path_join(p->staging, file); }

/* fsync of every regular file of dir (the writers fsync their own files, but not every
 * library does: libxlsxwriter does not), so that the folder swapped in is complete on
 * disk. 0 or an errno value, *bad the file that failed. */
static int fsync_files(const char *dir, char **bad)
{
    *bad = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return errno;
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *f = spie_path_join(dir, e->d_name);
        struct stat st;
        if (!f) {
            rc = ENOMEM;
            break;
        }
        if (lstat(f, &st) == 0 && S_ISREG(st.st_mode)) {
            int fd = open(f, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (fd < 0 || fsync(fd) != 0)
                rc = errno;
            if (fd >= 0 && close(fd) != 0 && !rc)
                rc = errno;
        }
        if (rc)
            *bad = f;
        else
            free(f);
    }
    closedir(d);
    return rc;
}

/* Swaps the staging folder in (renameat2 exchange, or rename when nothing was there). */
static spie_rc swap_in(spie_publish *p, bool had_previous, spie_error *err)
{
    if (had_previous) {
        if (renameat2(AT_FDCWD, p->staging, AT_FDCWD, p->final, RENAME_EXCHANGE) == 0)
            return SPIE_OK;
        int rc = errno;
        if (rc == EINVAL || rc == ENOSYS)
            return spie_fail_errno(err, SPIE_E_OUTPUT, rc, p->staging,
                                   "échange avec %s impossible : le système de fichiers ne permet pas l'échange "
                                   "atomique de dossiers (renameat2 RENAME_EXCHANGE)",
                                   p->final);
        return spie_fail_errno(err, SPIE_E_OUTPUT, rc, p->staging, "échange avec %s impossible", p->final);
    }
    if (rename(p->staging, p->final) == 0)
        return SPIE_OK;
    return spie_fail_errno(err, SPIE_E_OUTPUT, errno, p->staging, "renommage en %s impossible", p->final);
}

spie_rc spie_publish_commit(spie_publish *p, spie_error *err)
{
    char *bad = NULL;
    int rc = fsync_files(p->staging, &bad);
    if (!rc && (rc = spie_fsync_dir(p->staging)) != 0) {
        free(bad);
        bad = NULL;
    }
    if (rc) {
        spie_fail_errno(err, SPIE_E_OUTPUT, rc, bad ? bad : p->staging, "%s", "");
        free(bad);
        spie_publish_abort(p);
        return SPIE_E_OUTPUT;
    }
    struct stat st;
    bool had_previous = lstat(p->final, &st) == 0;
    if (swap_in(p, had_previous, err)) {
        spie_publish_abort(p);
        return SPIE_E_OUTPUT;
    }
    rc = spie_fsync_dir(p->out);
    if (rc) {
        /* The swap may not be on disk: undo it, so that what the caller reports (nothing
         * published, the previous result intact) is what a reader sees. */
        spie_fail_errno(err, SPIE_E_OUTPUT, rc, p->out, "%s", "");
        int undo = had_previous ? renameat2(AT_FDCWD, p->staging, AT_FDCWD, p->final, RENAME_EXCHANGE)
                                : rename(p->final, p->staging);
        if (undo == 0) {
            spie_publish_abort(p); /* removes the new result, now under the staging name */
            return SPIE_E_OUTPUT;
        }
        /* Cannot undo: the new result is what readers see; finish the publication. */
    }
    /* The staging name now holds the previous result (or nothing); a failure to remove
     * it is harmless: the next run removes it at begin. */
    if (had_previous)
        spie_rmtree(p->staging);
    free_pub(p);
    return SPIE_OK;
}

const char *spie_publish_final(const spie_publish *p) { return p->final; }

int spie_publish_lock_shared(const char *out, bool wait, int *fd_out)
{
    *fd_out = -1;
    char *lock = spie_path_join(out, ".spie.lock");
    if (!lock)
        return ENOMEM;
    int fd = open(lock, O_RDONLY | O_CLOEXEC);
    free(lock);
    if (fd < 0)
        return errno == ENOENT ? 0 : errno; /* never published by spie here: nothing to wait for */
    int rc;
    while ((rc = flock(fd, LOCK_SH | (wait ? 0 : LOCK_NB))) != 0 && errno == EINTR)
        ;
    if (rc != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    *fd_out = fd;
    return 0;
}

void spie_publish_abort(spie_publish *p)
{
    if (!p)
        return;
    spie_rmtree(p->staging);
    free_pub(p);
}
