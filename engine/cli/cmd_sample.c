#include "cli.h"
int spie_cmd_sample(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("sample", "pas encore disponible");
    return 2;
}
