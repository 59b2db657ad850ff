# The two commands of the README: `make run` (the main job) and `make test` (the suite).
# Both install the Debian packages they need first, then build.

SWIFT ?= swift
APT_PACKAGES := libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libgsl-dev libsqlite3-dev pkg-config ffmpeg
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)
RUN_ARGS ?= Scenarios/decision-checkpoint.yaml --duration 10s --warmup 2s

.PHONY: deps build release run test bench

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product scalebench

run: release
	.build/release/scalebench run $(RUN_ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --disable-swift-testing

bench: release
	.build/release/scalebench bench mailbox
