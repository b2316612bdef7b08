/* The fixture the stats tests share (test_stats_delays.c, test_stats_intervals.c,
 * test_stats_projection.c, test_stats_format.c): the comparison of two doubles within a
 * relative tolerance (close_rel, and the assert_close and assert_double_eq checks built on
 * it and on ==), and the deterministic generator (splitmix64) of the randomised
 * comparisons of test_stats_delays.c and test_stats_format.c. */
#ifndef SPIE_STATS_FIXTURE_H
#define SPIE_STATS_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

/* |a - b| <= rel * max(|a|, |b|), or both within abs_floor of each other. */
bool close_rel(double a, double b, double rel, double abs_floor);

#define assert_close(a, b, rel)                                                            \
    do {                                                                                   \
        const double a_ = (a), b_ = (b);                                                   \
        if (!close_rel(a_, b_, (rel), 0.0))                                                \
            fail_msg("%s = %.17g, expected %.17g (rel %g)", #a, a_, b_, (double)(rel));    \
    } while (0)

#define assert_double_eq(a, b)                                                             \
    do {                                                                                   \
        const double a_ = (a), b_ = (b);                                                   \
        if (!(a_ == b_))                                                                   \
            fail_msg("%s = %.17g, expected exactly %.17g", #a, a_, b_);                    \
    } while (0)

/* splitmix64: a deterministic generator for the randomised comparisons. Its state starts
 * at 0x5EED5EED12345678; a program may set it before its tests run (test_stats_format.c
 * does). */
extern uint64_t rng_state;
uint64_t rng_next(void);
uint64_t rng_below(uint64_t m);

#endif
