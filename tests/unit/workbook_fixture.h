/* The fixture the workbook tests share (test_workbook_files.c, test_workbook_sheets.c,
 * test_workbook_helpers.c): a small publication table built by hand, with territories in
 * two regions (Occitanie: 11, 31; Bretagne: 29), Finistère (29) sending nothing and Aude
 * (11) a budget extract of May, the plan of P = 2022-06 (a territory sends everything,
 * one nothing, one is late; NAT is missing) with other entries of the inbox whose names
 * look like formulas, are not UTF-8, or are longer than a cell can hold, and the input of
 * spie_workbooks_write over them; setup builds it for every test, teardown frees it. */
#ifndef SPIE_WORKBOOK_FIXTURE_H
#define SPIE_WORKBOOK_FIXTURE_H

#include <stddef.h>

#include "spie/workbook.h"

#define NBSP "\xC2\xA0"

typedef struct fixture {
    spie_table table;
    spie_territories terr;
    spie_territory items[3];
    spie_plan plan;
    spie_plan_entry entries[10];
    spie_entry_result results[10];
    spie_plan_other others[7];
    char *long_name;
    spie_params params;
    spie_workbook_input in;
} fixture;

/* The fixture of one test (cmocka's state). */
int setup(void **state);
int teardown(void **state);
/* The bytes of file name of dir (malloc'd). */
unsigned char *read_all(const char *dir, const char *name, size_t *n);

#endif
