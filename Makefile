# ferry: see README.md.  `make demo` and `make check` do all set-up on Debian 12.
CC ?= cc
PREFIX ?= /usr/local
PKGS = sqlite3 libcurl ldns
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lcurl -lldns)

# src/ has one folder per layer, lowest first; a file includes headers of its own
# layer or a lower one (scripts/check-layers.sh, run by make check); a driver
# (src/svc/svc-*.c) calls no other driver (scripts/check-drivers.sh, likewise)
LAYERS = base text state transport probe engine svc report cmd
CPPFLAGS += $(LAYERS:%=-Isrc/%)
HDR := $(wildcard src/*/*.h src/*/*.def)
SRC := $(filter-out src/cmd/main.c, $(wildcard src/*/*.c))
OBJ := $(SRC:src/%.c=build/%.o)
UNIT_SRC := $(wildcard tests/unit/t-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/unit/%)
LAB = tests/lab/lab.sh

# Debian packages: build, and the lab's daemons (../shared/LAB.md)
DEPS_BUILD = gcc make pkg-config libsqlite3-dev libcurl4-openssl-dev libldns-dev
DEPS_LAB = openssh-server openssh-client rsync apache2 sendmail m4 swaks bind9 bind9-utils \
	bind9-dnsutils tinymux netcat-openbsd rsyslog curl procps iproute2 perl acl attr ldnsutils \
	sqlite3 inotify-tools cron iptables
# fuzzing (libFuzzer from Debian's clang) and the tests that watch processes
DEPS_FUZZ = clang libclang-rt-14-dev strace sqlite3
# the report's test renders its page in headless Chromium; make bench times with time(1); t8010 rebuilds an expected file with patch(1)
DEPS_TEST = chromium time patch

all: ferry

build/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/libferry.a: $(OBJ)
	rm -f $@
	ar rcs $@ $(OBJ)

ferry: build/cmd/main.o build/libferry.a
	$(CC) $(CFLAGS) -o $@ build/cmd/main.o build/libferry.a $(LDFLAGS) $(LDLIBS)

build/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) build/libferry.a
	@mkdir -p build/unit
	@echo "CC $<"
	@$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -o $@ $< build/libferry.a $(LDFLAGS) $(LDLIBS)

unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

# the unit tests once more under AddressSanitizer and UBSan (make check runs them)
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_OBJ := $(SRC:src/%.c=build/asan/%.o)
ASAN_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)

build/asan/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	@echo "CC asan $<"
	@$(CC) $(WARN) $(CPPFLAGS) -O1 -g $(SAN) -c -o $@ $<

build/asan/libferry.a: $(ASAN_OBJ)
	rm -f $@
	ar rcs $@ $(ASAN_OBJ)

build/asan/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) build/asan/libferry.a
	@mkdir -p build/asan/unit
	@echo "CC asan $<"
	@$(CC) $(WARN) $(CPPFLAGS) -O1 -g $(SAN) -o $@ $< build/asan/libferry.a $(LDFLAGS) $(LDLIBS)

unit-asan: $(ASAN_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		scripts/run-unit.sh $(ASAN_BIN)

# libFuzzer targets (fuzz/README): clang, ASan and UBSan
FUZZ_CC = clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRC := $(wildcard fuzz/fuzz-*.c)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_OBJ := $(SRC:src/%.c=build/fuzz/obj/%.o)
FUZZ_RUNS ?= 10000000
FUZZ_TIME ?= 3600

build/fuzz/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(@D)
	@echo "CC fuzz $<"
	@$(FUZZ_CC) $(WARN) $(CPPFLAGS) -O2 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libferry.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $(FUZZ_OBJ)

build/fuzz/%: fuzz/%.c fuzz/fuzz.h build/fuzz/libferry.a
	@echo "CC fuzz $<"
	@$(FUZZ_CC) $(WARN) $(CPPFLAGS) -O2 -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
		build/fuzz/libferry.a $(LDFLAGS) $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

# every target until its total over runs (fuzz/NOTES) reaches FUZZ_RUNS executions, each run
# at most FUZZ_TIME seconds (less when the target's last rate needs less): fails on a crash or
# a total still short; new inputs that add coverage join fuzz/corpus (commit them)
fuzz: fuzz-deps
	$(MAKE) fuzz-build
	scripts/fuzz.sh run $(FUZZ_RUNS) $(FUZZ_TIME) $(FUZZ_BIN)

# the regression corpus (every crash found) and the seeds, replayed once
fuzz-regress: fuzz-deps
	$(MAKE) fuzz-build
	scripts/fuzz.sh regress $(FUZZ_BIN)

fuzz-deps:
	@scripts/deps.sh $(DEPS_FUZZ)

deps:
	@scripts/deps.sh $(DEPS_BUILD) $(DEPS_LAB) $(DEPS_FUZZ) $(DEPS_TEST)
	@tests/lab/mta-postfix.sh fetch

check: deps
	$(MAKE) ferry
	scripts/checksrc.sh
	scripts/check-layers.sh
	scripts/check-drivers.sh
	scripts/check.sh

# the whole kill matrix (tests/t8004-kill-resume.sh with FERRY_PAIRS=full)
check-long: deps
	$(MAKE) ferry
	scripts/check-long.sh

demo: deps
	$(MAKE) ferry
	scripts/demo.sh

bench: deps
	$(MAKE) ferry
	bench/run.sh

install: ferry
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 0755 ferry $(DESTDIR)$(PREFIX)/bin/ferry
	install -m 0644 doc/ferry.1 $(DESTDIR)$(PREFIX)/share/man/man1/ferry.1
	install -m 0644 doc/ferry.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/ferry.conf.5

clean:
	rm -rf build ferry

.PHONY: all unit unit-asan fuzz fuzz-build fuzz-regress fuzz-deps deps check check-long demo bench install clean
