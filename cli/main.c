/* spie: the SPIE batch reporting engine. Dispatches to the sub-commands. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spie/fields.h"
#include "spie/version.h"

/* Appends to out what a terminal and a log may show of the n bytes of s: valid UTF-8
 * that is not a control character as it is; a control character (a newline that would
 * forge a log line, an escape sequence) or a byte that is not UTF-8, as \xNN. */
static size_t escape(const unsigned char *s, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap;) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool ok = len > 0 && i + len <= n && spie_utf8_valid((const char *)s + i, len);
        bool control = len == 1 ? (c < 0x20 || c == 0x7F) : len == 2 && c == 0xC2 && s[i + 1] < 0xA0; /* C1 */
        if (!ok || control) {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
            i++;
            continue;
        }
        if (o + len >= cap)
            break;
        memcpy(out + o, s + i, len);
        o += len;
        i += len;
    }
    out[o] = 0;
    return o;
}

void cli_msg(const char *cmd, const char *fmt, ...)
{
    char raw[4096], line[4 * sizeof raw + 64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof raw ? (size_t)n : sizeof raw - 1;
    int p = snprintf(line, sizeof line, "spie%s%s: ", *cmd ? " " : "", cmd);
    size_t o = (size_t)p + escape((const unsigned char *)raw, len, line + p, sizeof line - (size_t)p - 1);
    line[o++] = '\n';
    fwrite(line, 1, o, stderr); /* one write: lines of two threads never mix */
}

void cli_print_error(const char *cmd, const spie_error *e)
{
    if (e->file[0] && e->line)
        cli_msg(cmd, "%s:%llu: %s", e->file, (unsigned long long)e->line, e->msg);
    else if (e->file[0])
        cli_msg(cmd, "%s: %s", e->file, e->msg);
    else
        cli_msg(cmd, "%s", e->msg[0] ? e->msg : spie_rc_str(e->rc));
}

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    if (stop_signal) { /* asked twice: stop now */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    stop_signal = sig;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

const volatile sig_atomic_t *cli_stop_flag(void) { return &stop_signal; }

int cli_stop_status(void) { return stop_signal ? 128 + (int)stop_signal : 0; }

bool cli_options_exact(const char *cmd, int argc, char **argv, const struct option *opts)
{
    unsigned seen[64] = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            break;
        if (a[0] != '-' || a[1] != '-')
            continue;
        size_t n = strcspn(a + 2, "=");
        int k = 0;
        for (; opts[k].name; k++)
            if (strlen(opts[k].name) == n && !strncmp(opts[k].name, a + 2, n))
                break;
        if (!opts[k].name) {
            cli_msg(cmd, "option inconnue « %.*s » : les options s'écrivent en entier (spie %s --help)",
                    (int)(n + 2), a, cmd);
            return false;
        }
        if (k < 64 && seen[k]++) {
            cli_msg(cmd, "--%s est donnée deux fois : un traitement doit dire exactement ce qu'il fait", opts[k].name);
            return false;
        }
        if (opts[k].has_arg == required_argument && !strchr(a, '='))
            i++; /* its value, which may start with "--" */
    }
    return true;
}

int cli_default_jobs(void)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    return ncpu > 0 ? (int)(ncpu > 64 ? 64 : ncpu) : 1;
}

bool cli_parse_jobs(const char *cmd, const char *arg, int *jobs)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < 1 || v > 256) {
        cli_msg(cmd, "--jobs %s : un nombre entre 1 et 256 est attendu", arg);
        return false;
    }
    *jobs = (int)v;
    return true;
}

static void usage(FILE *f)
{
    fputs("Usage: spie <commande> [options]\n"
          "\n"
          "Commandes :\n"
          "  run     le traitement mensuel : sélection des extraits, contrôle, indicateurs, classeurs\n"
          "  check   la lecture et le contrôle seuls : rapport de qualité et rejets\n"
          "  verify  vérifie le dossier d'une période d'après son manifeste (et --recompute : le refait)\n"
          "  sample  écrit une boîte de dépôt synthétique (données fictives)\n"
          "\n"
          "spie <commande> --help décrit les options d'une commande.\n"
          "\n"
          "Options :\n"
          "  -h, --help  cette aide\n"
          "  --version   la version du programme\n"
          "\n"
          "Code de sortie : celui de la commande (spie <commande> --help) ; 2 commande absente ou inconnue.\n",
          f);
    /* The shipped files, where they are found (README "Installing on a server"). */
    char dir[4096];
    if (cli_datadir(dir, sizeof dir))
        fprintf(f,
                "\n"
                "Fichiers livrés, dans %s/ :\n"
                "  territoires-defaut.csv  copie de la table des territoires par défaut (celle que spie\n"
                "                          utilise est intégrée au programme : ce fichier est à lire ou copier)\n"
                "  spie.ini.exemple        exemple de fichier de configuration\n"
                "  demo/                   boîte de dépôt de démonstration et sa table des territoires\n",
                dir);
    fputs("\nPages de manuel : spie(1), spie-run(1), spie-check(1), spie-verify(1), spie-sample(1).\n", f);
}

int main(int argc, char **argv)
{
    /* GSL's default handler aborts; every GSL call's status is checked instead. The
     * process never calls setlocale, so numbers are read and printed in the C locale. */
    gsl_set_error_handler_off();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("spie %s\n", SPIE_VERSION);
        return 0;
    }
    int (*batch)(int, char **) = !strcmp(cmd, "run")      ? spie_cmd_run
                                 : !strcmp(cmd, "check")  ? spie_cmd_check
                                 : !strcmp(cmd, "verify") ? spie_cmd_verify
                                                          : NULL;
    if (batch) {
        cli_catch_signals();
        int st = batch(argc - 1, argv + 1);
        return cli_stop_status() ? cli_stop_status() : st;
    }
    if (!strcmp(cmd, "sample"))
        return spie_cmd_sample(argc - 1, argv + 1);
    cli_msg("", "commande inconnue « %s »", cmd);
    usage(stderr);
    return 2;
}
