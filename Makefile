# dbt — one Makefile, no configure.  `make` builds ./dbt; `make check` runs
# the TAP suite under prove; `make run` boots Debian's kernel to a shell.
CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -MMD -Iinclude
LDLIBS  += -lm

SRCS := $(wildcard *.c)
OBJS := $(SRCS:.c=.o)

dbt: $(OBJS)
	$(CC) $(CFLAGS) -o $@ $(OBJS) $(LDLIBS)

# Guest test programs (bare metal, HTIF exit) built with Debian's cross tools.
RVPREFIX ?= riscv64-unknown-elf-
GUEST_SRCS := $(wildcard tests/guest/*.S)
GUEST_ELFS := $(GUEST_SRCS:.S=.elf)
tests/guest/%.elf: tests/guest/%.S tests/guest/link.ld $(wildcard tests/guest/*.h)
	$(RVPREFIX)gcc -march=rv64gc -mabi=lp64d -nostdlib -nostartfiles -static \
	    -Itests/guest -T tests/guest/link.ld -o $@ $<

guests: $(GUEST_ELFS)

check: dbt guests
	prove tests/

run: dbt
	images/fetch
	./dbt -kernel $$(images/fetch --print kernel) -initrd $$(images/fetch --print initrd) \
	    -append "console=ttyS0"

clean:
	rm -f dbt *.o *.d tests/guest/*.elf
	rm -rf build

.PHONY: guests check run clean
-include $(SRCS:.c=.d)
include tests/harden.mk
