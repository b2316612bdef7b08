/* Where the files shipped with spie are, for spie --help (README "Installing on a
 * server"). They sit beside the binary: <prefix>/share/spie/ when the binary is
 * <prefix>/bin/spie (make install, the Debian package), <root>/samples/ when it is
 * <root>/<build folder>/spie in a source tree. Nothing is read from them: the default
 * territories table the batch uses is the copy compiled into the binary (engine/
 * territories.c), so results never depend on where or whether the files are installed. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* buf holds a path; cuts its last component (and the slash before it). */
static bool cut_last(char *buf)
{
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf)
        return false;
    *slash = '\0';
    return true;
}

const char *cli_datadir(char *buf, size_t size)
{
    static const char *const layouts[] = {"share/spie", "samples"};
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    if (!cut_last(exe) || !cut_last(exe)) /* .../bin/spie -> ... */
        return NULL;
    for (size_t i = 0; i < sizeof layouts / sizeof *layouts; i++) {
        int k = snprintf(buf, size, "%s/%s/territoires-defaut.csv", exe, layouts[i]);
        if (k < 0 || (size_t)k >= size || access(buf, R_OK) != 0)
            continue;
        cut_last(buf);
        return buf;
    }
    return NULL;
}
