# fairrate: one binary, ./fairrate. Sources are found by folder, so adding a module
# needs no change here. `make help` lists the targets.

CC      ?= cc
PKGS    := libpq libmicrohttpd jansson libcurl libcrypto libpsl pangocairo
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
# The report (report/) draws PDF with cairo and lays text out with pango: their
# include folders come from pkg-config (evaluated again by every sub-make, so a fresh
# machine gets them once `make deps` has installed the packages).
INCS    := -I. -I/usr/include/postgresql $(shell pkg-config --cflags pangocairo 2>/dev/null)
CFLAGS  ?= -O2 -g
LDLIBS  := -lmicrohttpd -ljansson -lcurl -lpq -lssl -lcrypto -lpsl -lpangocairo-1.0 -lpango-1.0 \
           -lgobject-2.0 -lglib-2.0 -lcairo -lpthread -lm
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

MODULES := common rater collector demo api dispute report disclosure
LIB_SRC := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
MAIN_SRC := cli/fairrate.c $(filter-out cli/fairrate.c,$(wildcard cli/*.c))
SUPPORT_SRC := $(wildcard tests/support/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
INTEG_SRC := $(wildcard tests/integration/test_*.c)

# $(B)/rel for the normal build, $(B)/san for AddressSanitizer + UBSan. B and BIN can
# be overridden so that several builds share one checkout.
B   ?= build
BIN ?= fairrate
export B
define objs
$(patsubst %.c,$(B)/$(1)/%.o,$(2))
endef

# DATABASE_URL from the environment points everything at an existing server; without
# it, the private cluster under ./var/pg is started and used.
# Decided once, by the make the user started: sub-makes inherit DATABASE_URL below
# and must not take it for an external server.
ifndef FAIRRATE_DB_EXTERNAL
FAIRRATE_DB_EXTERNAL := $(if $(DATABASE_URL),1,0)
export FAIRRATE_DB_EXTERNAL
endif
EXTERNAL_DB := $(filter 1,$(FAIRRATE_DB_EXTERNAL))
DATABASE_URL ?= $(shell scripts/db.sh url 2>/dev/null)
export DATABASE_URL

.PHONY: all help deps db-start db-stop migrate demo run test unit integration \
        test-san san build-tests check-docs clean fuzz fuzz-build fuzz-regress bench-rescore bench-api bench-api-scale bench-preview bench-dispute bench-scan bench-ports bench-report bench-discover

all: $(BIN)

help:
	@echo "make            build ./fairrate"
	@echo "make run        install what is missing, start the private PostgreSQL, migrate,"
	@echo "                load and rate the demo world, serve on http://127.0.0.1:8080"
	@echo "make test       the same set-up, then every test (also under the sanitizers)"
	@echo "make san        build the AddressSanitizer + UBSan binary $(B)/san/fairrate"
	@echo "make fuzz       run every libFuzzer harness FUZZ_SECONDS (240) and keep new corpus"
	@echo "                entries (FUZZ_ONLY=\"csv utf8\" for some); docs/fuzzing.md"
	@echo "make db-start | db-stop   the private PostgreSQL under ./var/pg"
	@echo "make bench-rescore | bench-api | bench-api-scale | bench-preview | bench-dispute |"
	@echo "     bench-scan | bench-ports | bench-report | bench-discover   benchmarks"

$(B)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INCS) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(INCS) -O1 -g $(SAN) -MMD -MP -c $< -o $@

$(BIN): $(call objs,rel,$(MAIN_SRC) $(LIB_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/san/fairrate: $(call objs,san,$(MAIN_SRC) $(LIB_SRC))
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

san: $(B)/san/fairrate

# Each test file is its own Criterion binary, linked with every module but no main().
CMD_SRC := $(filter-out cli/fairrate.c,$(wildcard cli/*.c))
TEST_DEPS_SRC := $(LIB_SRC) $(CMD_SRC) $(SUPPORT_SRC)
$(B)/rel/tests/%: $(B)/rel/tests/%.o $(call objs,rel,$(TEST_DEPS_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

$(B)/san/tests/%: $(B)/san/tests/%.o $(call objs,san,$(TEST_DEPS_SRC))
	$(CC) $(SAN) -o $@ $^ $(LDLIBS) -lcriterion

# Fuzzing: each tests/fuzz/fuzz_NAME.c is a libFuzzer harness, built with clang and
# linked against the modules compiled for it (an archive, so that a harness pulls in
# only what it calls). docs/fuzzing.md.
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# gcc's build enforces the house warnings; clang's -Wformat=2 would also refuse the
# va_list wrappers that gcc's format attribute already checks.
FUZZ_WARN := $(WARN) -Wno-format-nonliteral
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 240
export FUZZ_SECONDS

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(FUZZ_WARN) $(INCS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP \
	    -c $< -o $@

$(B)/fuzz/libfairrate.a: $(call objs,fuzz/obj,$(LIB_SRC))
	@rm -f $@
	ar rcs $@ $^

$(B)/fuzz/fuzz_%: $(B)/fuzz/obj/tests/fuzz/fuzz_%.o $(B)/fuzz/libfairrate.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

UNIT_BINS := $(patsubst %.c,%,$(UNIT_SRC))
INTEG_BINS := $(patsubst %.c,%,$(INTEG_SRC))
build-tests: $(addprefix $(B)/rel/,$(UNIT_BINS) $(INTEG_BINS)) $(BIN)

deps:
	@scripts/bootstrap.sh

db-start: deps
	@$(if $(EXTERNAL_DB),echo "db: using DATABASE_URL from the environment",scripts/db.sh start)

db-stop:
	@$(if $(EXTERNAL_DB),echo "db: DATABASE_URL is external; nothing to stop",scripts/db.sh stop)

migrate: fairrate db-start
	./fairrate migrate

# The demo world with a year of history, rated now, and a back-test of the methodology
# in force published (the public page shows it; under a second on this world).
demo: migrate
	./fairrate demo --companies 300 --seed 2026 --if-empty --history-months 12
	./fairrate score
	./fairrate validate --version 2026.1 >/dev/null

# PORT=9090 make run (or make run PORT=9090) serves elsewhere than 8080.
PORT ?= 8080
run: deps
	$(MAKE) fairrate
	$(MAKE) demo
	./fairrate serve --listen 127.0.0.1:$(PORT)

# The test database is created afresh from the migrations on every run; integration
# tests clone it (CREATE DATABASE ... TEMPLATE) so that each test has its own.
test: deps
	$(MAKE) db-start
	$(MAKE) build-tests
	scripts/run-tests.sh rel
	scripts/check-contract.sh
	scripts/check-portal-i18n.mjs
	scripts/check-api-i18n.mjs
	$(MAKE) test-san
	$(MAKE) fuzz-regress
	$(MAKE) check-docs
	scripts/test-docs.sh
	scripts/test-browser.sh

test-san:
	$(MAKE) $(B)/san/fairrate $(addprefix $(B)/san/,$(UNIT_BINS) $(INTEG_BINS))
	scripts/run-tests.sh san

fuzz-build: $(FUZZ_BINS)

# Every harness for 10 s on its corpus (left unchanged): a crash, leak, sanitizer
# report or broken invariant fails the run.
fuzz-regress: fuzz-build
	scripts/fuzz.sh regress

fuzz: deps
	$(MAKE) fuzz-build
	scripts/fuzz.sh fuzz

unit: build-tests
	scripts/run-tests.sh rel unit

integration: build-tests db-start
	scripts/run-tests.sh rel integration

check-docs:
	scripts/check-docs.sh

bench-rescore: fairrate db-start
	scripts/bench-rescore.sh

bench-api: fairrate db-start
	scripts/bench-api.sh

bench-api-scale: fairrate db-start
	scripts/bench-api-scale.sh

bench-preview: fairrate db-start
	scripts/bench-preview.sh

bench-dispute: fairrate db-start
	BIN=$(BIN) scripts/bench-dispute.sh

bench-scan: fairrate db-start
	scripts/bench-scan.sh

bench-ports: fairrate db-start
	scripts/bench-ports.sh

bench-discover: fairrate db-start
	scripts/bench-discover.sh

bench-report: fairrate db-start
	scripts/bench-report.sh

clean:
	rm -rf $(B) $(BIN)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
