# SPDX-License-Identifier: GPL-2.0
#
# lazyfpu top-level Makefile.  Kbuild (not this file) describes the module;
# this file drives kbuild and the test harness.
#
#   make                        build lazyfpu.ko for the running kernel
#   make KDIR=<tree>            ... for another kernel tree
#   make KDIR=<tree> ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#   make install                install the module and run depmod
#                               (INSTALL_MOD_PATH=<dir> installs under <dir>)
#   make check                  static checks + QEMU test matrix (the tests)
#   make check-distro           the same on every Debian kernel image
#   make stress [DURATION=600]  the stress run beside independent checkers,
#                               DURATION seconds per (kernel, arch) guest
#   make demo [KVER=] [ARCH=]   boot QEMU and run the example workload
#   make fuzz [KVER=] [ARCH=] [SEED=] [OPS=] [FLAVOUR=san]
#                               a long run of the ABI fuzzer in QEMU
#   make bench [BENCH_MATRIX=]  lazyfpu-bench in the 7.3 guests under -icount
#   make deb                    the Debian packages lazyfpu-dkms, lazyfpu-tools
#   make model [DEPTH=8]        the FP core against the transfer oracle, every
#                               event sequence up to DEPTH (host, no QEMU)
#   make deps                   install the Debian packages the above need

KDIR ?= /lib/modules/$(shell uname -r)/build

# ARCH is the kernel's name for the target.  For check and demo it selects
# the QEMU target too; userspace spellings are accepted.
ifeq ($(ARCH),aarch64)
override ARCH := arm64
endif

.PHONY: all modules kdir-exists clean install modules_install check check-distro static-check \
	qemu-check stress demo fuzz model bench deb deps tools kernels help

all: modules

modules: kdir-exists
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

kdir-exists:
	@test -f $(KDIR)/Makefile || { \
	  echo "lazyfpu: no kernel build tree at $(KDIR)" >&2; \
	  echo "lazyfpu: install the headers (e.g. apt-get install linux-headers-$$(uname -r))" >&2; \
	  echo "lazyfpu: or name a tree: make KDIR=/path/to/linux-build" >&2; \
	  exit 1; }

# Works without a kernel tree: removes exactly what kbuild leaves behind.
clean:
	find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
	  -o -name '*.mod.c' -o -name '.*.cmd' -o -name '.*.d' -o -name '*.symvers' \
	  -o -name modules.order \) -type f -print | xargs -r rm -f
	$(if $(wildcard tools/Makefile),$(MAKE) -C tools clean)
	$(if $(wildcard tools/model/Makefile),$(MAKE) -C tools/model clean)

install: modules_install

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KRELEASE)

# The release modules_install installs for (Debian's include/config/
# kernel.release is not it; the generated UTS_RELEASE is).
KRELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

tools:
	$(MAKE) -C tools

# The test matrix.  MATRIX narrows it, e.g. MATRIX="6.1-x86_64".  A -vqN
# entry reruns an arm64 guest with QEMU's SVE vector length limited to N
# quadwords (sve-max-vq): 1 = 128 bits, 4 = 512 bits; the plain entry has
# QEMU's maximum, 16 = 2048 bits.  A -san entry is the sanitizer kernel
# (KASAN, UBSAN bounds, KFENCE, soft-lockup and hung-task panics); the
# 6.12 test kernels are that flavour only, so that the matrix builds six
# kernels, not eight (-san-vqN is both); the sanitizer kernel, three times
# slower, reruns at 128 bits only, 512 bits being covered on 6.1 and 7.3.  A debian-KEY entry is one of
# Debian's own kernel images, unmodified, with the module built against
# its linux-headers package as DKMS would (scripts/debian-kernels.sh
# --list).  make check runs the newest image per arch; make check-distro
# runs all of them.
MATRIX ?= 6.1-x86_64 6.12-x86_64-san 7.3-x86_64 \
	  6.1-arm64 6.1-arm64-vq1 6.1-arm64-vq4 \
	  6.12-arm64-san 6.12-arm64-san-vq1 \
	  7.3-arm64 7.3-arm64-vq1 7.3-arm64-vq4 \
	  debian-7.3-amd64 debian-7.3-arm64
DISTRO_MATRIX := debian-6.1-amd64 debian-6.1-arm64 debian-6.1-rt-amd64 \
		 debian-6.12-amd64 debian-6.12-arm64 debian-6.12-rt-amd64 \
		 debian-7.3-amd64 debian-7.3-arm64 debian-7.3-rt-amd64

check:
	scripts/check.sh $(MATRIX)

check-distro:
	scripts/check.sh $(DISTRO_MATRIX)

static-check:
	scripts/check.sh --static-only $(MATRIX)

qemu-check:
	scripts/check.sh --no-static $(MATRIX)

# The stress run (scripts/stress.sh, tools/stress/): its own default
# matrix, one guest per (kernel, arch); MATRIX on the command line or in
# the environment replaces it.
DURATION ?= 600
STRESS_MATRIX := 6.1-x86_64 6.12-x86_64 7.3-x86_64 6.1-arm64 6.12-arm64 7.3-arm64

stress:
	scripts/stress.sh $(DURATION) $(if $(filter file,$(origin MATRIX)),$(STRESS_MATRIX),$(MATRIX))

# The demo's default guest is one make check builds: 6.1 x86_64, both x86
# backends, no sanitizer slowing it down.
demo:
	scripts/demo.sh $(if $(KVER),$(KVER),6.1) $(if $(ARCH),$(ARCH),x86_64)

# The ABI fuzzer beyond make check's short pass; a failure prints the
# SEED and OPS that replay it.  By default on make check's 6.12 x86_64
# kernel, the sanitizer flavour; with KVER, FLAVOUR is as given.
SEED ?= 1
OPS ?= 1000000

fuzz:
	scripts/fuzz.sh $(if $(KVER),$(KVER),6.12) $(if $(ARCH),$(ARCH),x86_64) $(SEED) $(OPS) \
	  $(if $(KVER),$(FLAVOUR),$(if $(FLAVOUR),$(FLAVOUR),san))

# The benchmark in QEMU under -icount: bench/*.json and the tables of
# Documentation/performance.rst.
bench:
	scripts/bench.sh $(BENCH_MATRIX)

# The Debian packages (debian/): build/deb/*.deb, checked with lintian.
deb:
	scripts/deb.sh

DEPTH ?= 8
model:
	$(MAKE) -C tools/model run DEPTH=$(DEPTH)

deps:
	scripts/deps.sh

help:
	@sed -n '3,22p' Makefile
