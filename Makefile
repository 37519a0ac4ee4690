# embudo — one non-recursive Makefile (STYLE.md §B.9).
#
#   make                 build ./embudo (release flags)
#   make MODE=debug|asan|tsan   variants under build/$(MODE)/
#   make run             deps + build + private PostgreSQL + migrations + demo + TUI
#   make check           deps + asan build + every test suite
#   make deps            install missing Debian packages (apt-get; sudo when not root)
#   make check-layers    prove ncurses/libpq/libsodium stay in their layers
#   make install         release build into $(DESTDIR)$(PREFIX) (+ systemd units); uninstall
#   make deb             build/deb/embudo_$(VERSION)_<arch>.deb (docs/instalacion.md)
#
# Each layer (src/<layer>, ui/<layer>) is a static library; test binaries link
# only the layers they may use, so a stray dependency fails to link.

MODE    ?= release
B       := build/$(MODE)
VERSION := 0.1.0
GITREV  := $(shell git rev-parse --short HEAD 2>/dev/null || echo desconocido)

CC      ?= cc
PKGS_CORE := libsodium libcrypto zlib libqrencode libprotobuf-c
PKGS_DB   := libpq
PKGS_UI   := ncursesw
PKGS_RT   := libuv libcurl jansson
PKGS_NET  := libwebsockets libssl
PKGS_SIG  := libsignal-protocol-c
PKGS_ALL  := $(PKGS_CORE) $(PKGS_DB) $(PKGS_UI) $(PKGS_RT) $(PKGS_NET)

# ncursesw.pc injects -D_XOPEN_SOURCE=600; feature macros are set once here.
PKG_CFLAGS := $(filter-out -D%,$(shell pkg-config --cflags $(PKGS_ALL) cmocka 2>/dev/null))
pkglibs     = $(shell pkg-config --libs $(1) 2>/dev/null)

WERROR ?= -Werror
WARN := -Wall -Wextra -Wpedantic $(WERROR) -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wold-style-definition -Wformat=2 -Wwrite-strings -Wcast-qual \
        -Wpointer-arith -Wundef -Wvla -Wnull-dereference -Wimplicit-fallthrough \
        -Wswitch-enum -Wconversion -Wsign-conversion
# Where `make install` puts things. DATADIR is compiled in (themes), through a generated
# header that changes only when the path does, so switching PREFIX rebuilds what uses it.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/embudo
DOCDIR  ?= $(PREFIX)/share/doc/embudo
UNITDIR ?= $(PREFIX)/lib/systemd/system

CPPFLAGS += -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -D_GNU_SOURCE -I. -Isrc -I$(B)/gen \
            -DEMBUDO_VERSION='"$(VERSION)"' -DEMBUDO_SOURCE_DIR='"$(CURDIR)"' -DEMBUDO_GITREV='"$(GITREV)"' -MMD -MP
CFLAGS  += -std=c17 $(WARN) $(PKG_CFLAGS)

ifeq ($(MODE),release)
CFLAGS  += -O2 -g -fstack-protector-strong -fPIE
CPPFLAGS+= -DNDEBUG -D_FORTIFY_SOURCE=2
LDFLAGS += -pie -Wl,-z,relro,-z,now
else ifeq ($(MODE),debug)
CFLAGS  += -O0 -g3
CPPFLAGS+= -DEMBUDO_TEST_BUILD
else ifeq ($(MODE),asan)
CFLAGS  += -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
CPPFLAGS+= -DEMBUDO_TEST_BUILD
else ifeq ($(MODE),tsan)
CFLAGS  += -O1 -g -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
CPPFLAGS+= -DEMBUDO_TEST_BUILD
else
$(error MODE debe ser release, debug, asan o tsan)
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- layers ---------------------------------------------------------------
# Link order: callers first. Each entry is <name>:<source dir>.
LAYERS := cmd:src/cmd app:ui pane:ui/pane term:ui/term vm:ui/vm rt:src/rt wanet:src/wa/net wacloud:src/wa/cloud wasend:src/wa/send wasig:src/wa/signal wa:src/wa \
          db:src/db crypto:src/crypto core:src/core util:src/util
layer_name = $(word 1,$(subst :, ,$(1)))
layer_dir  = $(word 2,$(subst :, ,$(1)))
layer_lib  = $(B)/lib/$(1).a

define LAYER_RULES
$(call layer_name,$(1))_SRC := $(wildcard $(call layer_dir,$(1))/*.c)
$(call layer_name,$(1))_OBJ := $$(patsubst %.c,$(B)/obj/%.o,$$($(call layer_name,$(1))_SRC))
$(call layer_lib,$(call layer_name,$(1))): $$($(call layer_name,$(1))_OBJ)
	@mkdir -p $$(@D)
	@rm -f $$@
	$(Q)ar rcs $$@ $$^ $(if $$^,,/dev/null)
ALL_OBJ += $$($(call layer_name,$(1))_OBJ)
endef
$(foreach l,$(LAYERS),$(eval $(call LAYER_RULES,$(l))))

# The migrations are embedded in the binary so `embudo db migrate` works anywhere.
SQL_FILES := $(sort $(wildcard sql/[0-9][0-9][0-9]_*.sql))
GEN_MIGR  := $(B)/gen/migrations_data.c
db_OBJ    += $(B)/obj/gen/migrations_data.o
ALL_OBJ   += $(B)/obj/gen/migrations_data.o
# The list itself is a prerequisite, rewritten only when it changes, so that removing or
# renaming a migration also regenerates the embedded set.
SQL_LIST  := $(B)/gen/migrations.list
$(SQL_LIST): FORCE
	@mkdir -p $(@D)
	$(Q)echo $(SQL_FILES) > $@.tmp; cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
.PHONY: FORCE
FORCE:
PATHS_H := $(B)/gen/paths.h
$(PATHS_H): FORCE
	@mkdir -p $(@D)
	$(Q)printf '#define EMBUDO_DATADIR "%s"\n' '$(DATADIR)' > $@.tmp; \
	    cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(B)/obj/ui/app_theme.o: $(PATHS_H)
$(GEN_MIGR): $(SQL_FILES) $(SQL_LIST) src/db/embed-sql.sh
	@mkdir -p $(@D)
	$(Q)sh src/db/embed-sql.sh $(SQL_FILES) > $@.tmp && mv $@.tmp $@
$(B)/obj/gen/migrations_data.o: $(GEN_MIGR)
	@mkdir -p $(@D)
	@echo "  CC    $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<
$(call layer_lib,db): $(B)/obj/gen/migrations_data.o

# ---- wa: protobuf subset (issue 6) ------------------------------------------------------------
# src/wa/proto/*.proto -> $(B)/gen/<name>.pb-c.{c,h} with protoc-c; the .c goes into the wa
# layer, and every wa object and unit test waits for the headers (they include "wa.pb-c.h"
# through -I$(B)/gen). Generated code is not ours to fix: it builds with -Wno-error (warnings
# still print). The fuzz build compiles the generated .c too.
PROTO_SRC := $(wildcard src/wa/proto/*.proto)
PROTO_C   := $(patsubst src/wa/proto/%.proto,$(B)/gen/%.pb-c.c,$(PROTO_SRC))
PROTO_H   := $(PROTO_C:.c=.h)
PROTO_OBJ := $(patsubst $(B)/gen/%.c,$(B)/obj/gen/%.o,$(PROTO_C))
$(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h: src/wa/proto/%.proto
	@mkdir -p $(@D)
	@echo "  PROTO $<"
	$(Q)protoc-c --proto_path=src/wa/proto --c_out=$(B)/gen $<
$(PROTO_OBJ): $(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC    $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-error -c -o $@ $<
wa_OBJ  += $(PROTO_OBJ)
ALL_OBJ += $(PROTO_OBJ)
$(call layer_lib,wa): $(PROTO_OBJ)
$(filter-out $(PROTO_OBJ),$(wa_OBJ)) $(patsubst %.c,$(B)/obj/%.o,$(wildcard tests/unit/*.c tests/interop/*.c)): $(PROTO_H)

LIBS_UNIT := vm wa crypto core util
LIBS_DB   := db $(LIBS_UNIT)
LIBS_ALL  := $(foreach l,$(LAYERS),$(call layer_name,$(l)))
LDLIBS_UNIT := $(call pkglibs,$(PKGS_CORE) cmocka) -lm -lpthread
LDLIBS_DB   := $(call pkglibs,$(PKGS_CORE) $(PKGS_DB) $(PKGS_RT) cmocka) -lm -lpthread
LDLIBS_ALL  := $(call pkglibs,$(PKGS_ALL) $(PKGS_SIG)) -lm -lpthread

# ---- wa/signal: libsignal-protocol-c (issue 7) ---------------------------------------------
# Only the wasig layer, its two tests and the program see libsignal: its headers as system
# headers (-isystem), its library only in these links; other unit tests never link it.
SIG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS_SIG) 2>/dev/null))
SIG_LIBS    = $(foreach l,wasig wa crypto core util,$(call layer_lib,$(l))) $(call pkglibs,$(PKGS_SIG))
SIG_TESTS  := $(B)/tests/unit/test_wasig $(B)/tests/db/test_wa_signal $(B)/tests/interop/wasig_peer
$(wasig_OBJ) $(patsubst $(B)/tests/%,$(B)/obj/tests/%.o,$(SIG_TESTS)): CFLAGS += $(SIG_CFLAGS)
$(SIG_TESTS): $(call layer_lib,wasig)
$(B)/tests/unit/test_wasig: LDLIBS_UNIT := $(SIG_LIBS) $(LDLIBS_UNIT)
$(B)/tests/db/test_wa_signal: LDLIBS_DB := $(SIG_LIBS) $(LDLIBS_DB)
$(B)/tests/interop/wasig_peer: LDLIBS_UNIT := $(SIG_LIBS) $(LDLIBS_UNIT)
# wa/cloud (the Cloud API's JSON and transport, docs/wa-cloud.md) needs jansson; its unit test
# links the layer and the ones under it again after it (static libraries resolve in order).
$(B)/tests/unit/test_wa_graph: $(call layer_lib,wacloud)
$(B)/tests/unit/test_wa_graph: LDLIBS_UNIT := $(foreach l,wacloud wa crypto core util,$(call layer_lib,$(l))) \
    $(call pkglibs,jansson) $(LDLIBS_UNIT)
# wa/send (msgsend: the send/receive flows over wasig) sits above wasig; its test links both.
$(B)/tests/unit/test_wa_msgsend: $(call layer_lib,wasend) $(call layer_lib,wasig)
$(B)/tests/unit/test_wa_msgsend: LDLIBS_UNIT := $(call layer_lib,wasend) $(SIG_LIBS) $(LDLIBS_UNIT)

# ---- objects ----------------------------------------------------------------
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC    $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# ---- the program ------------------------------------------------------------
BIN := $(B)/embudo
$(BIN): $(B)/obj/src/main.o $(foreach l,$(LIBS_ALL),$(call layer_lib,$(l)))
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

.DEFAULT_GOAL := all
.PHONY: all
all: $(BIN)
ifeq ($(MODE),release)
	$(Q)ln -sf $(BIN) embudo
endif

# ---- tests ------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRC))
DB_SRC   := $(wildcard tests/db/test_*.c)
DB_BIN   := $(patsubst tests/db/%.c,$(B)/tests/db/%,$(DB_SRC))
DB_LIB_SRC := $(filter-out $(DB_SRC),$(wildcard tests/db/*.c))
DB_LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(DB_LIB_SRC))
BENCH_SRC:= $(wildcard tests/bench/*.c)
BENCH_BIN:= $(patsubst tests/bench/%.c,$(B)/tests/bench/%,$(BENCH_SRC))

$(B)/tests/unit/%: $(B)/obj/tests/unit/%.o $(foreach l,$(LIBS_UNIT),$(call layer_lib,$(l)))
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_UNIT)
$(B)/tests/db/%: $(B)/obj/tests/db/%.o $(DB_LIB_OBJ) $(foreach l,rt $(LIBS_DB),$(call layer_lib,$(l)))
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_DB)
$(B)/tests/bench/%: $(B)/obj/tests/bench/%.o $(DB_LIB_OBJ) $(foreach l,rt $(LIBS_DB),$(call layer_lib,$(l)))
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_DB)
# tui_frame draws real frames: it links the curses layers instead of the database ones.
$(B)/tests/bench/tui_frame: $(B)/obj/tests/bench/tui_frame.o $(foreach l,pane term vm core util,$(call layer_lib,$(l)))
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(call pkglibs,$(PKGS_UI) $(PKGS_CORE)) -lm -lpthread

# ---- wa: binary-node cross-check with Baileys (issue 6, binnode) -----------------------------
# embudo's side of tests/interop/run.sh: `sh tests/interop/run.sh $(B)` runs it against the
# pinned Baileys in both directions. Linked like a unit test (wa + util, zlib).
INTEROP_BIN := $(patsubst tests/interop/%.c,$(B)/tests/interop/%,$(filter-out tests/interop/xeddsa_oracle.c,$(wildcard tests/interop/*.c)))
$(B)/tests/interop/%: $(B)/obj/tests/interop/%.o $(foreach l,$(LIBS_UNIT),$(call layer_lib,$(l)))
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_UNIT)

# ---- wa: the fake WhatsApp server and the link test (issue 6) --------------------------------
# One test-only binary from every tests/wa/*.c; tests/wa/run.sh (embudo wa) and
# tests/interop/run-fakewa.sh (Baileys) drive it.
WAFAKE_BIN := $(B)/tests/wa/fakewa
WAFAKE_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard tests/wa/*.c))
$(WAFAKE_BIN): $(WAFAKE_OBJ) $(foreach l,wasig wa crypto core util,$(call layer_lib,$(l)))
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_UNIT) $(call pkglibs,$(PKGS_RT) $(PKGS_NET) $(PKGS_SIG))
tests: $(WAFAKE_BIN)
# check-wa also builds the release binary: run.sh proves it refuses the fake chain. With a
# private B=DIR it goes to DIR-release (a B given on the command line reaches the inner make
# too, which would otherwise build the release binary over this one).
WA_RELEASE_B := $(if $(filter command line,$(origin B)),$(B)-release,build/release)
.PHONY: check-wa
check-wa: $(BIN) $(WAFAKE_BIN)
	$(Q)$(MAKE) --no-print-directory MODE=release B=$(WA_RELEASE_B) all
	$(Q)sh tests/wa/run.sh $(B) $(WA_RELEASE_B)
	$(Q)sh tests/interop/run-fakewa.sh $(B)

# ---- wa/cloud: the fake Graph API (docs/wa-cloud.md) -----------------------------------------
# Meta's servers are the one thing the Cloud API tests cannot run: tests/cloud/fakegraph
# answers the Graph calls embudo makes and posts signed webhooks; tests/cloud/run.sh drives it.
GRAPHFAKE_BIN := $(B)/tests/cloud/fakegraph
GRAPHFAKE_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard tests/cloud/*.c))
$(GRAPHFAKE_BIN): $(GRAPHFAKE_OBJ) $(foreach l,rt wacloud wa crypto core util,$(call layer_lib,$(l)))
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_UNIT) $(call pkglibs,$(PKGS_RT))
tests: $(GRAPHFAKE_BIN)
.PHONY: check-cloud
check-cloud: $(BIN) $(GRAPHFAKE_BIN)
	$(Q)sh tests/cloud/run.sh $(B)

.PHONY: tests
tests: $(BIN) $(UNIT_BIN) $(DB_BIN) $(BENCH_BIN) $(INTEROP_BIN)

.PHONY: deps
deps:
	$(Q)sh packaging/deps.sh

.PHONY: check check-unit check-db check-e2e check-build check-cli check-interop
# -k: every suite runs and prints its summary even when an earlier one failed; the exit
# status is still non-zero on any failure.
check: deps
	$(Q)$(MAKE) --no-print-directory MODE=asan check-build
	$(Q)$(MAKE) --no-print-directory -k MODE=asan check-layers check-unit check-cli check-db \
	    check-e2e check-wa check-cloud check-interop check-fuzz
	@echo "make check: todas las suites pasaron"

# The release build of the tests too: gcc -O2 warns of what -O0 cannot see (a pointer it cannot
# prove non-null), and the benchmarks' command (docs/bench-asignacion.md) builds them that way.
check-build: tests
	$(Q)$(MAKE) --no-print-directory MODE=release B=$(WA_RELEASE_B) tests

check-unit: $(UNIT_BIN)
	$(Q)sh tests/unit/run.sh $(B)

check-db: $(DB_BIN) $(BIN)
	$(Q)sh tests/db/run.sh $(B)

check-e2e: $(BIN)
	$(Q)sh tests/e2e/run.sh $(B)

# tests/cli: the command-line contract (exit codes, Spanish messages) of the global options,
# configuration, CRM commands and the demo loader; backups; the package and a server set up
# as docs/instalacion.md says (servidor.sh builds the release binary for `make deb`).
check-cli: $(BIN)
	$(Q)sh tests/cli/run.sh $(B)
	$(Q)sh tests/cli/crm.sh $(B)
	$(Q)sh tests/cli/demo.sh $(B)
	$(Q)sh tests/cli/campana.sh $(B)
	$(Q)sh tests/cli/respaldo.sh $(B)
	$(Q)sh tests/cli/respaldo_antiguo.sh $(B)
	$(Q)sh tests/cli/servidor.sh $(B)

check-interop: $(BIN) $(INTEROP_BIN)
	$(Q)sh tests/interop/check-tokens.sh
	$(Q)sh tests/interop/run.sh $(B)
	$(Q)sh tests/interop/run-payload.sh $(B)
	$(Q)sh tests/interop/run-signal.sh $(B)

.PHONY: check-layers
check-layers:
	$(Q)sh tests/check-layers.sh

.PHONY: bench
bench: deps
	$(Q)$(MAKE) --no-print-directory MODE=release tests
	$(Q)sh tests/bench/run.sh build/release

# ---- running ------------------------------------------------------------------
USUARIO ?= prom1
.PHONY: run
run: deps
	$(Q)$(MAKE) --no-print-directory MODE=release all
	$(Q)./embudo db start
	$(Q)./embudo db migrate
	$(Q)./embudo demo --si-falta --actividad
	$(Q)./embudo --as $(USUARIO)

# ---- installing -----------------------------------------------------------------
# Always the release build (build/release, or the B given on the command line), whatever
# MODE says: an ASan binary in /usr/bin would be a mistake. The units name BINDIR.
INSTALL_B := $(if $(filter command line,$(origin B)),$(B),build/release)
UNITS     := embudo-worker.service embudo-worker@.service embudo-webhook.service
.PHONY: install uninstall deb
install:
	$(Q)$(MAKE) --no-print-directory MODE=release B=$(INSTALL_B) all
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(UNITDIR)
	$(Q)install -m 0755 $(INSTALL_B)/embudo $(DESTDIR)$(BINDIR)/embudo
	$(Q)install -m 0644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/
	$(Q)install -m 0644 packaging/embudo.conf.example packaging/teclas.conf.example \
	    README.md docs/instalacion.md $(DESTDIR)$(DOCDIR)/
	$(Q)for u in $(UNITS); do \
	    sed 's|@BINDIR@|$(BINDIR)|g; s|@DOCDIR@|$(DOCDIR)|g' packaging/$$u.in \
	        > $(DESTDIR)$(UNITDIR)/$$u.tmp && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
	    mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	@echo "instalado en $(DESTDIR)$(PREFIX) (unidades en $(DESTDIR)$(UNITDIR))"
uninstall:
	$(Q)rm -f $(DESTDIR)$(BINDIR)/embudo $(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	$(Q)rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)
# The Debian package: the tree of `make install` with PREFIX=/usr, plus /etc/embudo, the
# control files and the maintainer scripts (packaging/deb.sh).
deb:
	$(Q)rm -rf build/deb/root
	$(Q)$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/build/deb/root PREFIX=/usr \
	    UNITDIR=/lib/systemd/system
	$(Q)sh packaging/deb.sh build/deb/root $(VERSION) build/deb

.PHONY: clean
clean:
	rm -rf build embudo

-include $(ALL_OBJ:.o=.d) $(wildcard $(B)/obj/tests/*/*.d) $(B)/obj/src/main.d

# ---- fuzzing (clang libFuzzer) ------------------------------------------------
# tests/fuzz/fuzz_<name>.c with seeds in tests/fuzz/corpus/<name>/. `make fuzz` runs each
# for FUZZ_TIME seconds; `make check` runs a short pass (check-fuzz).
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZ_FLAGS := -std=c17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
              -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -D_GNU_SOURCE -DEMBUDO_TEST_BUILD -I. -Isrc
FUZZ_LIBSRC := $(wildcard src/wa/*.c src/crypto/*.c src/core/*.c src/util/*.c) src/wa/cloud/graph.c
FUZZ_BIN   := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIBSRC)
	@mkdir -p $(@D)
	@echo "  FUZZ  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIBSRC) \
	    $(call pkglibs,libsodium libcrypto zlib libqrencode libprotobuf-c jansson) -lm -lpthread
# The protobuf subset's generated code (see "wa: protobuf subset" above).
FUZZ_FLAGS  += -I$(B)/gen
FUZZ_LIBSRC += $(PROTO_C)
$(FUZZ_BIN): $(PROTO_C) $(PROTO_H)
.PHONY: fuzz check-fuzz
fuzz: $(FUZZ_BIN)
	$(Q)for f in $(FUZZ_BIN); do n=$${f##*/fuzz_}; mkdir -p build/fuzz/corpus-$$n; \
	    echo "== fuzz_$$n ($(FUZZ_TIME) s)"; \
	    $$f -max_total_time=$(FUZZ_TIME) -max_len=4096 build/fuzz/corpus-$$n \
	        tests/fuzz/corpus/$$n > build/fuzz/$$n.log 2>&1; st=$$?; tail -n 1 build/fuzz/$$n.log; \
	    [ $$st -eq 0 ] || { echo "fuzz_$$n falló: build/fuzz/$$n.log"; exit 1; }; done
check-fuzz:
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_TIME=10
