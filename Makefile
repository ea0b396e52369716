# SPDX-License-Identifier: GPL-2.0
#
# iogroup: IOMMU group DMA-ownership shadow (kernel module + CLI + tests).
# `make help` lists the targets.

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
KERNELS ?= 6.1 5.10 6.12 7.x
PREFIX ?= /usr/local
DESTDIR ?=
IOGROUP_CACHE ?= $(HOME)/.cache/iogroup
STYLE_FLAGS ?=

export IOGROUP_CACHE

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$$/\1/p' dkms.conf)
DKMS_SRC := $(DESTDIR)/usr/src/iogroup-$(VERSION)
STYLE_FILES := $(filter-out %.mod.c,$(wildcard module/*.c module/*.h module/compat/*.h))
CHECKPATCH := $(IOGROUP_CACHE)/checkpatch/checkpatch.pl

.PHONY: all module cli tests deps demo check check-matrix selfcheck style dkms-install \
	install clean help ksft deb check-deb check-debug bench

all: module cli

module:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "error: no kernel headers at $(KDIR);" \
		     "install linux-headers-$(KERNELRELEASE) or pass KDIR=" >&2; \
		exit 1; \
	fi
	$(MAKE) -C module KDIR=$(KDIR) KERNELRELEASE=$(KERNELRELEASE)

cli:
	$(MAKE) -C cli

# kselftest_harness.h (from the cached linux-source) for the test programs.
ksft:
	@tests/vm/kernel.sh --tools

tests: ksft
	$(MAKE) -C tests KSFT_DIR=$(IOGROUP_CACHE)/ksft

deps:
	@scripts/deps.sh

demo: deps
	tests/vm/run.sh --demo --kernels "$(firstword $(KERNELS))"

check: deps
	tests/vm/run.sh --packages --kernels "$(KERNELS)"

# make check, then put this run's matrix into the README's kernel table.
check-matrix: deps
	tests/vm/run.sh --packages --kernels "$(KERNELS)"; rc=$$?; \
	awk 'FNR == NR { m = m $$0 "\n"; next } \
	     /<!-- matrix:end -->/ { printf "%s", m; skip = 0 } \
	     !skip { print } /<!-- matrix:begin -->/ { skip = 1 }' \
		build/vm/matrix.md README.md >README.md.new && mv README.md.new README.md; \
	exit $$rc

# The whole suite on a debug kernel (KASAN, lockdep, kmemleak, ...) built once
# from linux-source-6.1 with tests/vm/debug.config (tests/vm/kernel.sh).
check-debug: deps
	tests/vm/run.sh --kernels 6.1-debug

# The benchmark VM (hundreds of IOMMU groups, BENCH_PORTS=128 root ports
# with an edu each) on the first kernel of KERNELS: the table goes to
# BENCH.md.
bench: deps
	IOGROUP_BUILD=$(CURDIR)/build/vm-bench \
		tests/vm/run.sh --bench --kernels "$(firstword $(KERNELS))"
	cp build/vm-bench/bench.md BENCH.md

# The VM pipeline's own test (KTAP parsing and counting, timeouts, ...).
selfcheck: deps
	tests/vm/run.sh --selfcheck --kernels "$(firstword $(KERNELS))"

style: ksft
	$(CHECKPATCH) --no-tree -f $(STYLE_FLAGS) $(STYLE_FILES)

dkms-install:
	@test -n "$(VERSION)" || { echo "error: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.ko.*' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
		--exclude='*.d' --exclude=modules.order --exclude=Module.symvers \
		--exclude=.tmp_versions dkms.conf module include | tar -xf - -C $(DKMS_SRC)
	@if [ -z "$(DESTDIR)" ]; then \
		echo "dkms add -m iogroup -v $(VERSION)"; \
		dkms add -m iogroup -v $(VERSION); \
	fi

install: cli
	install -D -m 755 cli/iogroup $(DESTDIR)$(PREFIX)/bin/iogroup

# The Debian packages iogroup-dkms and iogroup (debian/), built with
# dpkg-buildpackage from a copy of the tree in $(DEB_OUT)/src; the .debs
# land in $(DEB_OUT).
DEB_OUT ?= build/deb
deb:
	@scripts/version-check.sh >/dev/null
	rm -rf $(DEB_OUT)/src $(DEB_OUT)/*.deb $(DEB_OUT)/*.changes $(DEB_OUT)/*.buildinfo
	mkdir -p $(DEB_OUT)/src/iogroup-$(VERSION)
	tar -cf - --exclude-vcs --exclude=./build --exclude='*.o' --exclude='*.d' \
		--exclude='*.ko' --exclude=./cli/iogroup . | \
		tar -xf - -C $(DEB_OUT)/src/iogroup-$(VERSION)
	cd $(DEB_OUT)/src/iogroup-$(VERSION) && dpkg-buildpackage -us -uc -b
	mv $(DEB_OUT)/src/*.deb $(DEB_OUT)/src/*.changes $(DEB_OUT)/src/*.buildinfo $(DEB_OUT)/
	@ls $(DEB_OUT)/*.deb

# The packaging test alone (make check runs it too, through run.sh --packages).
check-deb: deps
	tests/pkg/deb.sh

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then \
		$(MAKE) -C module KDIR=$(KDIR) clean; \
	else \
		cd module && rm -rf *.o *.ko *.mod *.mod.c .*.cmd modules.order \
			Module.symvers .tmp_versions compat/*.o; \
	fi
	@if [ -f cli/Makefile ]; then $(MAKE) -C cli clean; fi
	@if [ -f tests/Makefile ]; then $(MAKE) -C tests clean; fi
	rm -rf build

help:
	@echo "iogroup $(VERSION) targets:"
	@echo "  all           module (against KDIR) and cli (default)"
	@echo "  module        the kernel module; KDIR=$(KDIR)"
	@echo "  cli           the iogroup command line tool (cli/iogroup)"
	@echo "  tests         build the test programs on the host (make -C tests)"
	@echo "  deps          install the build and test dependencies (Debian 12, root)"
	@echo "  check         build through DKMS and run the tests in a VM for"
	@echo "                KERNELS=\"$(KERNELS)\"; ends with 'N passed, N failed'"
	@echo "  check-debug   make check on 6.1-debug: a KASAN/lockdep/kmemleak kernel"
	@echo "                built once (long) from linux-source-6.1 + tests/vm/debug.config"
	@echo "  demo          boot the VM and show the CLI at work"
	@echo "  selfcheck     test the VM test pipeline itself"
	@echo "  bench         boot a VM with hundreds of IOMMU groups, measure iogroup"
	@echo "                against the alternatives, write BENCH.md"
	@echo "  style         checkpatch.pl --no-tree -f on module/ (STYLE_FLAGS=--strict)"
	@echo "  dkms-install  copy the DKMS source to \$$DESTDIR/usr/src/iogroup-$(VERSION)"
	@echo "                and 'dkms add' it when DESTDIR is empty"
	@echo "  install       install the CLI to \$$DESTDIR$(PREFIX)/bin"
	@echo "  deb           the Debian packages iogroup-dkms and iogroup in $(DEB_OUT)"
	@echo "  check-deb     build them, install them into Debian 12 with 6.1's headers,"
	@echo "                check DKMS built the module and boot it (part of check)"
	@echo "  clean         remove build products (build/ too)"
	@echo "Kernel downloads and DKMS trees are cached in IOGROUP_CACHE=$(IOGROUP_CACHE)"
