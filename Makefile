# SPIE batch reporting engine.
#
#   make            build ./build/spie
#   make run        install what is missing, build, run the batch on the demo inbox
#   make test       unit tests (cmocka, TAP) + end-to-end tests, summarised by prove
#   make asan       the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make deps       install the Debian -dev packages (as root) or print the apt-get line
#   make clean
#
# Variables: CC (gcc or clang), WERROR=1 (CI), BUILD (build folder).

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes -Wshadow \
           -Wformat=2 -Wvla
ifeq ($(WERROR),1)
WARN    += -Werror
endif
SAN     ?=
CFLAGS  := -std=c11 $(OPT) $(WARN) $(SAN) $(EXTRA_CFLAGS)
CPPFLAGS:= -D_GNU_SOURCE -Iinclude -MMD -MP
LDLIBS  := -lcsv -lgsl -lgslcblas -lxlsxwriter -lisal -lz -ljansson -linih -lcrypto -lpthread -lm
LDFLAGS := $(SAN)

DEBIAN_PACKAGES := build-essential clang libcsv-dev libgsl-dev libxlsxwriter-dev libisal-dev zlib1g-dev \
                   libcmocka-dev libjansson-dev libinih-dev libssl-dev pkg-config \
                   python3 python3-openpyxl perl

# Library code: engine/ (every stage), reports/ (renderers), pipeline/ (the batch as a
# library call), samples/ (the generator). The command line, cli/, is the only code that
# prints or exits.
LIB_SRC  := $(wildcard engine/*/*.c) $(wildcard reports/*.c) $(wildcard reports/*/*.c) \
            $(wildcard pipeline/*.c) $(wildcard samples/*.c)
CLI_SRC  := $(wildcard cli/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
E2E      := $(sort $(wildcard tests/e2e/*.sh))

.PHONY: all run test asan deps clean unit e2e bench check-office fuzz
.SECONDARY:
all: $(BUILD)/spie

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/libspie.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/spie: $(CLI_OBJ) $(BUILD)/libspie.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libspie.a $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/testutil.o $(BUILD)/libspie.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit/testutil.o $(BUILD)/libspie.a $(LDLIBS) -lcmocka

# tests/unit/test_faults.c fails the N-th allocation: the allocator is wrapped at link
# time, which sees the calls of the project's own objects only (libcsv, zlib and
# libxlsxwriter are shared libraries: their allocations are not failed).
$(BUILD)/tests/test_faults: LDFLAGS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup

# Every test program speaks TAP (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP, the shell tests
# through tests/e2e/tap.sh); prove runs them all and prints the summary CI reads.
test: $(BUILD)/spie $(TESTS)
	CMOCKA_MESSAGE_OUTPUT=TAP SPIE=$(abspath $(BUILD)/spie) TESTBUILD=$(abspath $(BUILD)) \
	  prove -f --exec '' $(TESTS) $(E2E)

unit: $(TESTS)
	CMOCKA_MESSAGE_OUTPUT=TAP prove -f --exec '' $(TESTS)

e2e: $(BUILD)/spie
	SPIE=$(abspath $(BUILD)/spie) TESTBUILD=$(abspath $(BUILD)) prove -f --exec '' $(E2E)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

DEMO_PERIOD ?= 2023-06
# The demo inbox has a late territory and one that sends nothing, as real inboxes do, so
# the batch ends with status 1 (done, with data errors): that is the expected outcome.
run: deps
	$(MAKE) all
	$(BUILD)/spie run --period $(DEMO_PERIOD) --inbox samples/demo/inbox \
	  --territories samples/demo/territoires.csv --out out/demo; \
	  st=$$?; echo "spie run exited $$st; outputs in out/demo/$(DEMO_PERIOD)/"; [ $$st -le 1 ]

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all packages present"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "deps: missing packages; run as root:"; echo "  apt-get install -y$$missing"; exit 1; fi

# libFuzzer targets of tests/fuzz/ (docs/robustesse.md), clang only, never part of make
# test: each runs FUZZ_SECONDS (one process) on a scratch corpus in build-fuzz/ seeded
# from tests/fuzz/corpus/<target>/; a crash stops the target and leaves its input in
# build-fuzz/artifacts/ (fix it, then keep it under tests/fuzz/regressions/<target>/).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OPT     := -std=c11 -g -O1 -fno-omit-frame-pointer $(WARN)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_BUILD)/lib/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_OPT) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

$(FUZZ_BUILD)/libspie.a: $(LIB_SRC:%.c=$(FUZZ_BUILD)/lib/%.o)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_%_run.h $(FUZZ_BUILD)/libspie.a
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_OPT) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_BUILD)/libspie.a $(LDLIBS)

fuzz: $(FUZZ_TARGETS)
	@for t in $(notdir $(FUZZ_TARGETS)); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts; \
	  echo "fuzz: $$t, $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# Performance is measured here, never asserted in tests (bench/bench.sh). spie-floor is
# the physical floor of reading (bench/floor.c: ISA-L inflate and an in-place split, no
# validation), which make bench compares spie run with.
$(BUILD)/spie-floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< -lisal -lpthread

bench: all $(BUILD)/spie-floor
	SPIE=$(BUILD)/spie FLOOR=$(BUILD)/spie-floor bash bench/bench.sh

# LibreOffice (headless) opens and converts every workbook of two runs, the demo inbox and
# tests/data/run (outputs.md §6: the workbooks open with no repair prompt); a workbook that
# does not convert, or a conversion that says "error", fails the target. Slow (a minute or
# more), so not part of make test. LibreOffice is not in DEBIAN_PACKAGES: installed here
# when run as root, otherwise the apt-get line is printed.
OFFICE_OUT ?= $(BUILD)/check-office
check-office: $(BUILD)/spie
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc; \
	  else echo "check-office: LibreOffice is missing; run as root: apt-get install -y libreoffice-calc"; exit 1; fi; }
	rm -rf $(OFFICE_OUT) && mkdir -p $(OFFICE_OUT)/conv
	$(BUILD)/spie run --period $(DEMO_PERIOD) --inbox samples/demo/inbox --territories samples/demo/territoires.csv \
	  --out $(OFFICE_OUT)/demo --quiet; [ $$? -le 1 ]
	$(BUILD)/spie run --period 2022-06 --inbox tests/data/run/inbox --territories tests/data/run/territoires.csv \
	  --out $(OFFICE_OUT)/run --quiet; [ $$? -le 1 ]
	@prof=file://$(abspath $(OFFICE_OUT))/profile; n=0; fail=0; \
	for f in $(OFFICE_OUT)/*/*/*.xlsx; do \
	  [ -e "$$f" ] || continue; n=$$((n + 1)); b=$$(basename "$$f" .xlsx); log=$(OFFICE_OUT)/conv/$$b.log; \
	  if soffice -env:UserInstallation=$$prof --headless --norestore --convert-to ods \
	       --outdir $(OFFICE_OUT)/conv "$$f" >"$$log" 2>&1 && \
	     [ -s $(OFFICE_OUT)/conv/$$b.ods ] && ! grep -qi 'error' "$$log"; then \
	    echo "check-office: $$f: converted"; \
	  else echo "check-office: $$f: LibreOffice failed:"; sed 's/^/  /' "$$log"; fail=1; fi; \
	done; \
	echo "check-office: $$n workbooks, $$([ $$fail = 0 ] && echo 'all converted' || echo 'FAILURES')"; \
	[ $$n -gt 0 ] && [ $$fail = 0 ]

clean:
	rm -rf build build-asan build-fuzz build-clang

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
