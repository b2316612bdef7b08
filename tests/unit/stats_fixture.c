/* The stats tests' fixture (stats_fixture.h). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "stats_fixture.h"

bool close_rel(double a, double b, double rel, double abs_floor)
{
    const double d = fabs(a - b);
    return d <= abs_floor || d <= rel * fmax(fabs(a), fabs(b));
}

uint64_t rng_state = 0x5EED5EED12345678ULL;

uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t rng_below(uint64_t m)
{
    return rng_next() % m;
}
