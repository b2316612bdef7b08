# SPIE batch reporting engine.
#
#   make            build ./build/spie
#   make run        install what is missing, build, run the batch on the demo inbox
#   make test       unit tests (cmocka, TAP) + end-to-end tests, summarised by prove
#   make asan       the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   make deps       install the Debian -dev packages (as root) or print the apt-get line
#   make install    install under PREFIX (default /usr/local), DESTDIR honoured; make uninstall
#   make deb        the Debian package, in build/deb/ (debian/, docs/exploitation.md)
#   make clean
#
# Variables: CC (gcc or clang), WERROR=1 (CI), BUILD (build folder), PREFIX, DESTDIR.

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
LDFLAGS := $(SAN) $(EXTRA_LDFLAGS)

DEBIAN_PACKAGES := build-essential clang libcsv-dev libgsl-dev libxlsxwriter-dev libisal-dev zlib1g-dev \
                   libcmocka-dev libjansson-dev libinih-dev libssl-dev pkg-config \
                   python3 python3-openpyxl perl mandoc groff-base

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
# The house rules (README, "Layout and dependency rules"), checked on the objects.
LAYERS   := tests/layers/check_layers.sh

.PHONY: all run test asan deps clean unit e2e bench bench-instr check-office fuzz install uninstall deb
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

# The same command line with the test hooks of cli/hooks.c (tests/e2e/60_batch.sh only);
# the production binary above has none.
HOOKS_OBJ := $(CLI_SRC:%.c=$(BUILD)/hooks/%.o)
$(BUILD)/hooks/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DSPIE_TEST_HOOKS $(CFLAGS) -c $< -o $@

$(BUILD)/spie-hooks: $(HOOKS_OBJ) $(BUILD)/libspie.a
	$(CC) $(LDFLAGS) -o $@ $(HOOKS_OBJ) $(BUILD)/libspie.a $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/tests/unit/testutil.o $(BUILD)/libspie.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/tests/unit/testutil.o $(BUILD)/libspie.a $(LDLIBS) -lcmocka

# Tests split by subject share a fixture: test_<F>_*.c link tests/unit/<F>_fixture.c
# (F: source, extract, indicators, secret, workbook, stats, budget, sample, fields).
FIXTURES := source extract indicators secret workbook stats budget sample fields
define fixture_tests
$(BUILD)/tests/test_$(1)_%: $(BUILD)/tests/unit/test_$(1)_%.o $(BUILD)/tests/unit/testutil.o \
                            $(BUILD)/tests/unit/$(1)_fixture.o $(BUILD)/libspie.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(BUILD)/tests/unit/$(1)_fixture.o $(BUILD)/tests/unit/testutil.o \
	  $(BUILD)/libspie.a $$(LDLIBS) -lcmocka
endef
$(foreach f,$(FIXTURES),$(eval $(call fixture_tests,$(f))))

# tests/unit/test_faults.c fails the N-th allocation: the allocator is wrapped at link
# time, which sees the calls of the project's own objects only (libcsv, zlib and
# libxlsxwriter are shared libraries: their allocations are not failed).
$(BUILD)/tests/test_faults: LDFLAGS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup

# Every test program speaks TAP (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP, the shell tests
# through tests/e2e/tap.sh); prove runs them all and prints the summary CI reads.
test: $(BUILD)/spie $(BUILD)/spie-hooks $(TESTS)
	CMOCKA_MESSAGE_OUTPUT=TAP SPIE=$(abspath $(BUILD)/spie) SPIE_HOOKS=$(abspath $(BUILD)/spie-hooks) \
	  TESTBUILD=$(abspath $(BUILD)) \
	  prove -f --exec '' $(TESTS) $(LAYERS) $(E2E)

unit: $(TESTS)
	CMOCKA_MESSAGE_OUTPUT=TAP prove -f --exec '' $(TESTS)

e2e: $(BUILD)/spie $(BUILD)/spie-hooks
	SPIE=$(abspath $(BUILD)/spie) SPIE_HOOKS=$(abspath $(BUILD)/spie-hooks) TESTBUILD=$(abspath $(BUILD)) \
	  prove -f --exec '' $(E2E)

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

# The instructions of spie run --jobs 1 stage by stage and of the floor, counted by
# valgrind (bench/instr.sh): the same on every run, for changes of a few percent that wall
# times on a shared machine cannot show.
bench-instr: all $(BUILD)/spie-floor
	SPIE=$(BUILD)/spie FLOOR=$(BUILD)/spie-floor bash bench/instr.sh

# LibreOffice (headless) opens every workbook of the demo inbox, of tests/data/run and, when
# NATIONAL names a folder with inbox/ and territoires.csv (bench/cache/national by
# default, when there is one), of the national sample, and prints it to PDF
# (docs/classeurs.md, "Impression"): for each workbook, its number of pages and its paper
# size. A workbook that does not convert, whose pages are not A4, or that prints on more
# than 25 pages (regional) or 60 (national) fails the target. Slow (a few minutes), so not
# part of make test. LibreOffice, poppler-utils (pdfinfo) and the Carlito font (Calibri's
# metrics, as on the readers' machines) are not in DEBIAN_PACKAGES: installed here when run
# as root, otherwise the apt-get line is printed.
OFFICE_OUT ?= $(BUILD)/check-office
OFFICE_PACKAGES := libreoffice-calc-nogui poppler-utils fonts-crosextra-carlito
NATIONAL ?= $(wildcard bench/cache/national)
NATIONAL_PERIOD ?= 2023-12
# The month before each period, run first into the same folder: the period's workbooks then
# compare with a previous publication (docs/methodologie.md §11), as they do every month.
# The demo's first month is printed too (its workbooks have no previous publication); the
# national sample's is not: it holds two territories' extracts, the others are missing.
DEMO_PREVIOUS ?= 2023-05
NATIONAL_PREVIOUS ?= 2023-11
check-office: $(BUILD)/spie
	@missing=""; for p in $(OFFICE_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "check-office: missing packages; run as root: apt-get install -y$$missing"; exit 1; fi; \
	fi
	rm -rf $(OFFICE_OUT) && mkdir -p $(OFFICE_OUT)/pdf
	for p in $(DEMO_PREVIOUS) $(DEMO_PERIOD); do \
	  $(BUILD)/spie run --period $$p --inbox samples/demo/inbox --territories samples/demo/territoires.csv \
	    --out $(OFFICE_OUT)/demo --quiet; [ $$? -le 1 ] || exit 1; \
	done
	$(BUILD)/spie run --period 2022-06 --inbox tests/data/run/inbox --territories tests/data/run/territoires.csv \
	  --out $(OFFICE_OUT)/run --quiet; [ $$? -le 1 ]
	@if [ -n "$(NATIONAL)" ]; then \
	  for p in $(NATIONAL_PREVIOUS) $(NATIONAL_PERIOD); do \
	    $(BUILD)/spie run --period $$p --inbox $(NATIONAL)/inbox --territories $(NATIONAL)/territoires.csv \
	      --out $(OFFICE_OUT)/national --quiet; st=$$?; [ $$st -le 1 ] || exit 1; \
	  done; \
	else echo "check-office: no national sample (NATIONAL=folder with inbox/ and territoires.csv)"; fi
	@prof=file://$(abspath $(OFFICE_OUT))/profile; n=0; fail=0; \
	for f in $(OFFICE_OUT)/*/*/*.xlsx; do \
	  [ -e "$$f" ] || continue; \
	  case "$$f" in */national/$(NATIONAL_PREVIOUS)/*) continue;; esac; \
	  n=$$((n + 1)); run=$$(basename $$(dirname $$(dirname "$$f"))); \
	  b=$$(basename "$$f" .xlsx); out=$(OFFICE_OUT)/pdf/$$run; mkdir -p $$out; log=$$out/$$b.log; \
	  if soffice -env:UserInstallation=$$prof --headless --norestore --convert-to pdf \
	       --outdir $$out "$$f" >"$$log" 2>&1 && [ -s $$out/$$b.pdf ] && ! grep -qi 'error' "$$log"; then \
	    pages=$$(pdfinfo $$out/$$b.pdf | sed -n 's/^Pages: *//p'); \
	    size=$$(pdfinfo $$out/$$b.pdf | sed -n 's/^Page size: *//p'); \
	    case $$b in *_national) max=60;; *) max=25;; esac; \
	    a4=no; case "$$size" in *"(A4)"*) a4=yes;; esac; \
	    if [ "$$a4" = yes ] && [ "$$pages" -le $$max ]; then \
	      echo "check-office: $$run/$$b.xlsx: $$pages pages (at most $$max), $$size"; \
	    else echo "check-office: $$run/$$b.xlsx: $$pages pages (at most $$max), $$size: FAILED"; fail=1; fi; \
	  else echo "check-office: $$f: LibreOffice failed:"; sed 's/^/  /' "$$log"; fail=1; fi; \
	done; \
	echo "check-office: $$n workbooks, $$([ $$fail = 0 ] && echo 'all printed within their page budgets on A4' || echo 'FAILURES')"; \
	[ $$n -gt 0 ] && [ $$fail = 0 ]

# Installation (GNU and FHS conventions; README "Installing on a server"). Nothing is
# written outside $(DESTDIR). The binary does not read these files: the default
# territories table it uses is compiled in; the installed copy is for operators to read
# and copy, and spie --help names the folder it finds beside the binary. Paths in the man
# pages, the wrapper, the units and the example of /etc/default/spie are filled in here.
PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
DATAROOTDIR    ?= $(PREFIX)/share
DATADIR        ?= $(DATAROOTDIR)/spie
MANDIR         ?= $(DATAROOTDIR)/man
DOCDIR         ?= $(DATAROOTDIR)/doc/spie
LIBEXECDIR     ?= $(PREFIX)/lib/spie
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR    ?= $(PREFIX)/lib/tmpfiles.d
INSTALL        ?= install
MANPAGES  := $(sort $(wildcard man/*.1))
DEMO      := $(sort $(wildcard samples/demo/inbox/*))
DEMO_SIDE := samples/demo/territoires.csv samples/demo/defauts.csv samples/demo/fichiers.csv
DOCS      := $(sort $(wildcard docs/*.md))
SUBST      = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
               -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@VERSION@|$(SPIE_VERSION)|g'
SPIE_VERSION := $(shell sed -n 's/.*define SPIE_VERSION "\(.*\)"/\1/p' include/spie/version.h)

install: $(BUILD)/spie
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/demo/inbox $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/samples $(DESTDIR)$(LIBEXECDIR) \
	  $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	$(INSTALL) -m 755 $(BUILD)/spie $(DESTDIR)$(BINDIR)/spie
	$(INSTALL) -m 644 samples/territoires-defaut.csv samples/spie.ini.exemple $(DESTDIR)$(DATADIR)/
	$(INSTALL) -m 644 $(DEMO_SIDE) $(DESTDIR)$(DATADIR)/demo/
	$(INSTALL) -m 644 $(DEMO) $(DESTDIR)$(DATADIR)/demo/inbox/
	$(SUBST) dist/spie.default >$(DESTDIR)$(DATADIR)/spie.default && chmod 644 $(DESTDIR)$(DATADIR)/spie.default
	for m in $(MANPAGES); do \
	  $(SUBST) $$m >$(DESTDIR)$(MANDIR)/man1/$${m#man/} && chmod 644 $(DESTDIR)$(MANDIR)/man1/$${m#man/} || exit 1; \
	done
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/docs/
	$(INSTALL) -m 644 samples/README.md samples/README-territoires.md $(DESTDIR)$(DOCDIR)/samples/
	$(SUBST) dist/spie-mensuel.in >$(DESTDIR)$(LIBEXECDIR)/spie-mensuel && chmod 755 $(DESTDIR)$(LIBEXECDIR)/spie-mensuel
	$(SUBST) dist/spie-mensuel.service.in >$(DESTDIR)$(SYSTEMDUNITDIR)/spie-mensuel.service && \
	  chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/spie-mensuel.service
	$(INSTALL) -m 644 dist/spie-mensuel.timer $(DESTDIR)$(SYSTEMDUNITDIR)/
	$(INSTALL) -m 644 dist/sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/spie.conf
	$(INSTALL) -m 644 dist/tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/spie.conf

# Removes what install wrote, then the folders of spie's own that are left empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/spie $(DESTDIR)$(LIBEXECDIR)/spie-mensuel \
	  $(addprefix $(DESTDIR)$(DATADIR)/,territoires-defaut.csv spie.ini.exemple spie.default) \
	  $(addprefix $(DESTDIR)$(DATADIR)/demo/,$(notdir $(DEMO_SIDE))) \
	  $(addprefix $(DESTDIR)$(DATADIR)/demo/inbox/,$(notdir $(DEMO))) \
	  $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES))) \
	  $(DESTDIR)$(DOCDIR)/README.md $(addprefix $(DESTDIR)$(DOCDIR)/docs/,$(notdir $(DOCS))) \
	  $(addprefix $(DESTDIR)$(DOCDIR)/samples/,README.md README-territoires.md) \
	  $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,spie-mensuel.service spie-mensuel.timer) \
	  $(DESTDIR)$(SYSUSERSDIR)/spie.conf $(DESTDIR)$(TMPFILESDIR)/spie.conf
	for d in $(DATADIR)/demo/inbox $(DATADIR)/demo $(DATADIR) $(DOCDIR)/docs $(DOCDIR)/samples $(DOCDIR) \
	  $(LIBEXECDIR); do \
	  [ ! -d $(DESTDIR)$$d ] || rmdir --ignore-fail-on-non-empty $(DESTDIR)$$d; \
	done

# The Debian package (debian/): dpkg-buildpackage -us -uc -b in a copy of the source tree
# under $(DEB_DIR), so that neither this tree's build folders nor its parent folder are
# touched; the .deb, .changes and .buildinfo land in $(DEB_DIR), the build's output in
# $(DEB_DIR)/build.log (printed if the build fails). The build tools are installed as make
# deps installs the libraries. DEB_BUILD_OPTIONS is passed on (nocheck skips the demo check
# of debian/rules).
DEB_DIR   ?= build/deb
DEB_TOOLS := debhelper dpkg-dev fakeroot
DEB_SRC    = $(DEB_DIR)/spie-$(SPIE_VERSION)
deb:
	@$(MAKE) --no-print-directory deps DEBIAN_PACKAGES="$(DEBIAN_PACKAGES) $(DEB_TOOLS)"
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./.git --exclude=./build --exclude='./build-*' --exclude=./out --exclude=./bench/cache . | \
	  tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -jauto >../build.log 2>&1 || { cat ../build.log; exit 1; }
	rm -rf $(DEB_SRC)
	@echo "deb: $$(ls $(DEB_DIR)/spie_*.deb) (output of the build in $(DEB_DIR)/build.log)"

clean:
	rm -rf build build-asan build-fuzz build-clang

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(HOOKS_OBJ:.o=.d) $(BUILD)/tests/unit/testutil.d $(FIXTURES:%=$(BUILD)/tests/unit/%_fixture.d) $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
