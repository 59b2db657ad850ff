# The two commands of the README: `make run` (the main job) and `make test` (the suite).
# Both install the Debian packages they need first, then build.

SWIFT ?= swift
# chromium (with a font to measure text by) lays the HTML report out headless in the tests;
# python3-msgpack and python3-opencv run the reference person detector, on opencv-doc's recording.
APT_PACKAGES := libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libgsl-dev libsqlite3-dev pkg-config ffmpeg python3 python3-venv \
	chromium fonts-liberation python3-msgpack python3-opencv opencv-doc
SUDO := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)
# The main job: P001's decision checkpoint for the box the preset declares (`scalebench
# checkpoint`: a real-time slice on this machine checks the calibrated host model, then the
# matrix and the sensitivity analysis in simulated time), then the checkpoint with its VLM
# batching set beside it in the report. Resumes: completed runs in the quick database are
# kept; delete it to measure again. RUN_ARGS adds checkpoint flags.
QUICK_DB := Reports/checkpoint-quick.sqlite
# The export tests parse the OpenMetrics export with the Prometheus Python client, from PyPI,
# in a virtual environment of the build (Debian's Python refuses system-wide pip installs).
PYTHON_VENV := .build-venv
PYTHON_PACKAGES := prometheus-client==0.21.1
RUN_ARGS ?=

# Sanitizer builds (each in its own build folder): AddressSanitizer with LeakSanitizer over
# everything that touches pixels, capture, the FrameSupplier and the store; ThreadSanitizer
# over the real-time components. `make test` runs the AddressSanitizer part too.
ASAN_TESTS := VideoDecoderTests|VideoFuzzTests|RecordedRunTests|LiveSourceTests|CapturePoliciesTests|SourceCommandLineTests|SyntheticSourceTests|WorkerSpecTests|PixelLayoutTests|FrameSupplierBehaviourTests|ResultsStoreTests|StoreRobustnessTests|SimulatedStoreTests|ProcessWorkerTests|ProcessWorkerRunTests|MsgPackTests|WorkerMessagesTests
TSAN_TESTS := FrameSupplierBehaviourTests|MailboxListenerTests|SleepingWorkerRunTests|FrameBufferTests|DeviceGateTests|RealtimeExecutorTests|GlobalPipelineTests|HybridTopologyTests|FaultInjectionTests|LiveSourceTests
# The test runner itself leaks by design of swift-corelibs-XCTest and Foundation (test cases
# and Process objects are never freed), so leaks are detected in every `scalebench` child
# it starts, where the workbench runs as users run it (Tests/Sanitizers/lsan-suppressions.txt).
ASAN_OPTIONS_RUN := detect_leaks=0:detect_stack_use_after_return=0
ASAN_OPTIONS_CHILD := detect_leaks=1:detect_stack_use_after_return=0
LSAN_OPTIONS_RUN := suppressions=$(CURDIR)/Tests/Sanitizers/lsan-suppressions.txt:print_suppressions=0
TSAN_OPTIONS_RUN := halt_on_error=0:second_deadlock_stack=1

.PHONY: deps build release run test test-asan test-tsan fuzz-video bench bench-original bench-simpy bench-simulation simulation-check bench-process-workers

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@[ -x $(PYTHON_VENV)/bin/python3 ] && $(PYTHON_VENV)/bin/python3 -c 'import prometheus_client' 2>/dev/null || { \
	  echo "installing the Python packages the tests read exports with: $(PYTHON_PACKAGES)"; \
	  /usr/bin/python3 -m venv $(PYTHON_VENV) && $(PYTHON_VENV)/bin/pip install -q $(PYTHON_PACKAGES); }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product scalebench

# The checkpoint's box (a 4-core / 8-thread NUC) is larger than most build machines: the
# real-time slice declares this machine's CPUs as its box; simulated time answers for the NUC.
run: release
	.build/release/scalebench checkpoint Scenarios/decision-checkpoint.yaml --db $(QUICK_DB) --out Reports $(RUN_ARGS)
	.build/release/scalebench sweep benchmarks/decision-checkpoint-batching.yaml --db $(QUICK_DB) --mode simulated \
	  --repetitions 3 --duration 13s --warmup 1s --quiet
	.build/release/scalebench report decision-checkpoint --db $(QUICK_DB) --out Reports --mode simulated \
	  --beside decision-checkpoint-batching

# The suite runs optimised (with testing enabled, in its own build folder): its statistics,
# simulations and the CLI's children run faster than in a debug build, for about the same
# build time. The AddressSanitizer part's tests run there only, not twice.
test: deps
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing --scratch-path .build-test
	$(SWIFT) test -c release --skip-build --scratch-path .build-test --disable-swift-testing --skip '$(ASAN_TESTS)'
	$(MAKE) --no-print-directory test-asan

test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=$(ASAN_OPTIONS_RUN) SCALEBENCH_CHILD_ASAN_OPTIONS=$(ASAN_OPTIONS_CHILD) LSAN_OPTIONS=$(LSAN_OPTIONS_RUN) \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --disable-swift-testing --filter '$(ASAN_TESTS)'

test-tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS=$(TSAN_OPTIONS_RUN) $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
	  --disable-swift-testing --filter '$(TSAN_TESTS)'

# The whole video fuzz campaign (about 2,100 files) under AddressSanitizer.
fuzz-video: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	SCALEBENCH_VIDEO_FUZZ_TIER=full ASAN_OPTIONS=$(ASAN_OPTIONS_RUN) SCALEBENCH_CHILD_ASAN_OPTIONS=$(ASAN_OPTIONS_CHILD) \
	  LSAN_OPTIONS=$(LSAN_OPTIONS_RUN) $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan \
	  --disable-swift-testing --filter VideoFuzzTests

bench: release
	.build/release/scalebench bench mailbox

# The real-time components beside the original's Go FrameSupplier, alternating in one
# session (publish, hand-off, 512 pipelines' CPU, RSS and threads). Needs the original's
# module: ORION_FRAMESUPPLIER=path/to/modules/framesupplier or ORION_GIT_DIR=a clone of
# e7canasta/orion-care-sensor; the Go peer programs in FRAMESUPPLIER_PEERS (default
# ../shared/peers/framesupplier-go). See benchmarks/original-side-by-side.py.
bench-original: release
	SCALEBENCH=.build/release/scalebench python3 benchmarks/original-side-by-side.py

# docs/queueing.md §1 in SimPy beside the simulated executor (installs SimPy from PyPI).
bench-simpy: release
	SCALEBENCH=.build/release/scalebench benchmarks/simpy/compare.sh

# Events and frames per second of the simulated executor: docs/queueing.md §1, nursing-home-32
# option C for an hour, and the 1000-stream hour (under a minute in all).
bench-simulation: release
	.build/release/scalebench bench simulation
	.build/release/scalebench bench simulation --frames 0 --scenario benchmarks/scale-1000.yaml --repetitions 1

# Real time against simulated time on benchmarks/agreement.yaml, and a calibrated
# simulation's prediction error against its source run and held-out repetitions
# (about 3 minutes; report in Reports/agreement.md).
simulation-check: release
	SCALEBENCH=.build/release/scalebench benchmarks/simulation-check.sh

# The HOG person detector as a process worker at 4 streams of the pedestrian recording in
# A, B and C, calibrated and simulated (about 4 minutes; Reports/benchmarks.md).
bench-process-workers: release
	SCALEBENCH=.build/release/scalebench benchmarks/process-workers.sh
