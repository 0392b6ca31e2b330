# ferry: see README.md.  `make demo` and `make check` do all set-up on Debian 12.
CC ?= cc
PREFIX ?= /usr/local
PKGS = sqlite3 libcurl ldns
CFLAGS ?= -O2 -g
WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lcurl -lldns)

SRC := $(filter-out src/main.c, $(wildcard src/*.c))
OBJ := $(SRC:src/%.c=build/%.o)
UNIT_SRC := $(wildcard tests/unit/t-*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/unit/%)
LAB = tests/lab/lab.sh

# Debian packages: build, and the lab's daemons (../shared/LAB.md)
DEPS_BUILD = gcc make pkg-config libsqlite3-dev libcurl4-openssl-dev libldns-dev
DEPS_LAB = openssh-server openssh-client rsync apache2 sendmail m4 swaks bind9 bind9-utils \
	bind9-dnsutils tinymux netcat-openbsd rsyslog curl procps iproute2 perl acl attr ldnsutils
# the report's test renders its page in headless Chromium; make bench times with time(1)
# and fills a journal with sqlite3
DEPS_TEST = chromium sqlite3 time

all: ferry

build/%.o: src/%.c $(wildcard src/*.h src/*.def)
	@mkdir -p build
	@echo "CC $<"
	@$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/libferry.a: $(OBJ)
	rm -f $@
	ar rcs $@ $(OBJ)

ferry: build/main.o build/libferry.a
	$(CC) $(CFLAGS) -o $@ build/main.o build/libferry.a $(LDFLAGS) $(LDLIBS)

build/unit/%: tests/unit/%.c tests/unit/unit.h build/libferry.a
	@mkdir -p build/unit
	@echo "CC $<"
	@$(CC) $(WARN) $(CPPFLAGS) $(CFLAGS) -Isrc -o $@ $< build/libferry.a $(LDFLAGS) $(LDLIBS)

unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

deps:
	@scripts/deps.sh $(DEPS_BUILD) $(DEPS_LAB) $(DEPS_TEST)

check: deps
	$(MAKE) ferry
	scripts/checksrc.sh
	scripts/check.sh

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

.PHONY: all unit deps check demo bench install clean
