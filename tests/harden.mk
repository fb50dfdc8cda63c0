# tests/harden.mk — the builds and runs of issue 10, included by the Makefile:
#
#   make asan / make ubsan   dbt with AddressSanitizer or UBSan in
#                            build/asan/dbt, build/ubsan/dbt (their own
#                            objects, ./dbt untouched), then the whole suite
#                            against it: the tests run $DBT.  DBT_SKIP_BOOT=1
#                            leaves out the Linux boots (the fast tier).
#   make fuzz                every libFuzzer target of tests/fuzz/ for
#                            FUZZ_SECONDS each (default 60), with clang
#   make diff-fuzz           random RV64GC programs under -check, many seeds
#   make durability          SIGKILL trials on an ext4 disk (DURABILITY_TRIALS)

# -- Sanitizer builds ---------------------------------------------------------
SANITIZERS := asan ubsan
SAN_asan   := -fsanitize=address -fno-omit-frame-pointer
SAN_ubsan  := -fsanitize=undefined -fno-sanitize-recover=all
SAN_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -MMD -Iinclude

define SAN_RULES
build/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(SAN_CFLAGS) $$(SAN_$(1)) -c -o $$@ $$<
build/$(1)/dbt: $$(SRCS:%.c=build/$(1)/%.o)
	$$(CC) $$(SAN_CFLAGS) $$(SAN_$(1)) -o $$@ $$^ $$(LDLIBS)
-include $$(SRCS:%.c=build/$(1)/%.d)
endef
$(foreach s,$(SANITIZERS),$(eval $(call SAN_RULES,$(s))))

# The unit tests build their own programs with $CC: sanitized as well.
$(SANITIZERS): %: build/%/dbt guests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    DBT=build/$*/dbt CC="$(CC) $(SAN_$*)" prove tests/

# -- Fuzzing (tests/fuzz/README) ----------------------------------------------
# Every object but dbt.c's, built by clang with the fuzzer's coverage hooks,
# ASan and UBSan; a target is tests/fuzz/NAME.c + fuzz.c + those objects.
FUZZ_TARGETS := virtio_blk uart plic loader cli
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -O1 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Itests/fuzz $(FUZZ_SAN)
FUZZ_OBJS    := $(filter-out build/fuzz/obj/dbt.o,$(SRCS:%.c=build/fuzz/obj/%.o))

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -c -o $@ $<
build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.c tests/fuzz/fuzz.h tests/fuzz/dbt_main.h dbt.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< tests/fuzz/fuzz.c $(FUZZ_OBJS) $(LDLIBS)
-include $(FUZZ_OBJS:.o=.d)

fuzz-build: $(FUZZ_TARGETS:%=build/fuzz/%)
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_TARGETS)

diff-fuzz: dbt
	tests/randprog.py --seeds $${SEEDS:-2000} --first $${FIRST_SEED:-1000}

durability: dbt
	nice -n 10 tests/durability.py --trials $${DURABILITY_TRIALS:-20}

.PHONY: $(SANITIZERS) fuzz fuzz-build diff-fuzz durability
