#!/usr/bin/env python3
"""The real-time components beside the original's FrameSupplier, alternating in one session.

Two Go peer programs drive the original's FrameSupplier (modules/framesupplier of the
public repository e7canasta/orion-care-sensor) through its public API:
  handoff   the protocol of `scalebench bench mailbox` (W workers blocking in read, frames
            1 ms apart stamped at publish) and the cost of publish with one worker that
            never reads; scalebench's figures twice, for workers on threads (its CPU
            workers) and for workers that only sleep and hold no thread (its offload
            workers), each against the same figure of the original's goroutines;
  pipeline  N independent pipelines of 160x120 frames at 30 fps, one worker sleeping 20 ms
            per frame each: the workload of `scalebench run --streams N --fps 30
            --worker offload:20ms --resolution 160x120`.
Each round runs both sides, the side that goes first alternating, so that the machine's
other load falls on both; the table gives medians over the rounds, each side's figures
and the ratio scalebench / original.

Every process's peak threads and VmHWM are read by this script from /proc (the same way
for both sides), beside each side's own window CPU (getrusage over the measured window).

Inputs (environment):
  ORION_FRAMESUPPLIER  a copy of modules/framesupplier (its .go files, internal/, go.mod), or
  ORION_GIT_DIR        a clone (or bare git directory) of e7canasta/orion-care-sensor, from
                       which the module's Go files are extracted at run time;
  FRAMESUPPLIER_PEERS  the peer programs (handoff/, pipeline/, build.sh);
                       default ../shared/peers/framesupplier-go beside the repository;
  SCALEBENCH           the scalebench binary (default .build/release/scalebench);
  SCALEBENCH_BEFORE    optionally, a build of an earlier commit, alternated as a third side
                       (to measure a change to the components in the same session);
  ROUNDS (3), STREAMS (512; comma-separated), PARTS (handoff,pipeline),
  HANDOFF_FRAMES (3000), PUBLISHES (5000000), DURATION (5s).
The original's code is copied and built under .build-original/ at run time, never into
the repository. Needs Go (Debian's golang-go).
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, ".build-original")


def env(name, default):
    return os.environ.get(name, default)


def module_source():
    """A folder holding the original's module: given, or extracted from a git directory."""
    given = os.environ.get("ORION_FRAMESUPPLIER")
    if given:
        return os.path.abspath(given)
    git_dir = os.environ.get("ORION_GIT_DIR")
    if not git_dir:
        sys.exit("set ORION_FRAMESUPPLIER to a copy of modules/framesupplier of e7canasta/orion-care-sensor, "
                 "or ORION_GIT_DIR to a clone of that repository")
    out = os.path.join(WORK, "src", "framesupplier")
    subprocess.run(["rm", "-rf", out], check=True)
    names = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD", "modules/framesupplier"],
                           check=True, capture_output=True, text=True).stdout.split()
    # Only the package's Go files and go.mod: the repository's large binaries are not needed
    # (and a partial clone may lack them).
    wanted = [n for n in names if re.fullmatch(r"modules/framesupplier/(internal/)?[^/]+\.go|modules/framesupplier/go\.(mod|sum)", n)]
    for name in wanted:
        target = os.path.join(out, name[len("modules/framesupplier/"):])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(subprocess.run(["git", "--git-dir", git_dir, "cat-file", "-p", "HEAD:" + name],
                                   check=True, capture_output=True).stdout)
    return out


def build():
    peers = os.path.abspath(env("FRAMESUPPLIER_PEERS", os.path.join(ROOT, "..", "shared", "peers", "framesupplier-go")))
    if not os.path.exists(os.path.join(peers, "build.sh")):
        sys.exit(f"no peer programs at {peers}: set FRAMESUPPLIER_PEERS")
    bin_dir = os.path.join(WORK, "bin")
    subprocess.run([os.path.join(peers, "build.sh"), bin_dir], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, FRAMESUPPLIER_SRC=module_source()))
    scalebench = env("SCALEBENCH", os.path.join(ROOT, ".build/release/scalebench"))
    if not os.access(scalebench, os.X_OK):
        subprocess.run(["swift", "build", "-c", "release", "--product", "scalebench"], cwd=ROOT, check=True)
    return bin_dir, scalebench


def proc_status(pid):
    fields = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.split()
    except OSError:
        pass
    return fields


def run_sampled(argv):
    """Runs argv; returns (stdout, stderr, peak threads, VmHWM MiB) sampling /proc every 100 ms."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        threads, hwm_kb = 0, 0
        while process.poll() is None:
            status = proc_status(process.pid)
            if "Threads" in status:
                threads = max(threads, int(status["Threads"][0]))
            if "VmHWM" in status:
                hwm_kb = max(hwm_kb, int(status["VmHWM"][0]))
            time.sleep(0.1)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        if process.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed ({process.returncode}):\n{stderr[-2000:]}")
        return stdout, stderr, threads, hwm_kb / 1024


# Figures: (key, label, unit). Lower is better for all of them.
def handoff_original(bin_dir):
    out, _, _, _ = run_sampled([os.path.join(bin_dir, "handoff"), "-frames", env("HANDOFF_FRAMES", "3000"),
                                "-interval", "1ms", "-workers", "1,8,64", "-publishes", env("PUBLISHES", "5000000"),
                                "-yield=false"])
    figures = {}
    for m in re.finditer(r"W=(\d+) deliveries=\d+ p50_us=([\d.]+) p99_us=([\d.]+)", out):
        # The same goroutine workers stand against both of scalebench's kinds of worker.
        for kind in "ws":
            figures[f"p50_{kind}{m[1]}"] = float(m[2])
            figures[f"p99_{kind}{m[1]}"] = float(m[3])
    figures["publish"] = float(re.search(r"publish_ns_per_op=([\d.]+)", out)[1])
    return figures


def handoff_scalebench(scalebench):
    out, _, _, _ = run_sampled([scalebench, "bench", "mailbox", "--workers", "1,8,64", "--frames", env("HANDOFF_FRAMES", "3000"),
                                "--interval", "1ms", "--publish-ops", env("PUBLISHES", "5000000"), "--repetitions", "1"])
    figures = {}
    # Workers on threads, then (in builds that have them) workers that only sleep.
    threaded, _, sleeping = out.partition("workers that only sleep")
    for kind, text in (("w", threaded), ("s", sleeping)):
        for m in re.finditer(r"^\s*(\d+)\s+\d+\s+([\d.]+)\s+([\d.]+)\s+[\d.]+\s+\d+\s+\d+\s+(\S+)$", text, re.M):
            if m[4] != "yes":
                sys.exit(f"scalebench bench mailbox: accounting not balanced at W = {m[1]}")
            figures[f"p50_{kind}{m[1]}"] = float(m[2])
            figures[f"p99_{kind}{m[1]}"] = float(m[3])
    figures["publish"] = float(re.search(r"publish, 1 worker never reading: ([\d.]+) ns/op", out)[1])
    return figures


def pipeline_original(bin_dir, n):
    out, _, threads, hwm = run_sampled([os.path.join(bin_dir, "pipeline"), "-streams", str(n), "-service-sleep", "go",
                                        "-duration", env("DURATION", "5s")])
    m = re.search(r"cores=([\d.]+) fps_median=([\d.]+).*lat_p50_ms=([\d.]+)", out)
    return {f"cores_n{n}": float(m[1]), f"rss_n{n}": hwm, f"threads_n{n}": threads, f"fps_n{n}": float(m[2])}


def pipeline_scalebench(scalebench, n):
    out, _, threads, hwm = run_sampled([scalebench, "run", "--no-store", "--streams", str(n), "--fps", "30",
                                        "--duration", env("DURATION", "5s"), "--warmup", "1s", "--worker", "offload:20ms",
                                        "--resolution", "160x120", "--json"])
    result = json.loads(out[out.index("{"):])
    served = [w["processedFPS"] for w in result.get("workers", [])]
    figures = {f"cores_n{n}": result["cpu"]["process"]["cores"], f"rss_n{n}": hwm, f"threads_n{n}": threads}
    if served:
        figures[f"fps_n{n}"] = statistics.median(served)
    return figures


LABELS = {
    "publish": ("`publish`, one subscribed worker that never reads", "ns/op"),
    "p50_w1": ("hand-off p50, W = 1", "µs"), "p99_w1": ("hand-off p99, W = 1", "µs"),
    "p50_w8": ("hand-off p50, W = 8", "µs"), "p99_w8": ("hand-off p99, W = 8", "µs"),
    "p50_w64": ("hand-off p50, W = 64", "µs"), "p99_w64": ("hand-off p99, W = 64", "µs"),
}
for _w in (1, 8, 64):
    for _q in ("p50", "p99"):
        LABELS[f"{_q}_s{_w}"] = (f"hand-off {_q}, W = {_w}, workers that only sleep (no thread)", "µs")


def label(key):
    if key in LABELS:
        return LABELS[key]
    kind, n = key.split("_n")
    return {"cores": (f"{n} pipelines: process CPU", "cores"), "rss": (f"{n} pipelines: peak RSS (VmHWM)", "MiB"),
            "threads": (f"{n} pipelines: threads", "threads"), "fps": (f"{n} pipelines: served fps per stream (median)", "fps")}[kind]


def main():
    bin_dir, scalebench = build()
    before = os.environ.get("SCALEBENCH_BEFORE")
    rounds = int(env("ROUNDS", "3"))
    parts = env("PARTS", "handoff,pipeline").split(",")
    streams = [int(s) for s in env("STREAMS", "512").split(",")]
    sides = ["original", "scalebench"] + (["before"] if before else [])
    binaries = {"scalebench": scalebench, "before": before}
    samples = {side: {} for side in sides}

    def measure(side):
        figures = {}
        if "handoff" in parts:
            figures.update(handoff_original(bin_dir) if side == "original" else handoff_scalebench(binaries[side]))
        for n in streams if "pipeline" in parts else []:
            figures.update(pipeline_original(bin_dir, n) if side == "original" else pipeline_scalebench(binaries[side], n))
        for key, value in figures.items():
            samples[side].setdefault(key, []).append(value)
        print(f"# round {r + 1}/{rounds}, {side}: " + ", ".join(f"{k}={v:.4g}" for k, v in figures.items()),
              file=sys.stderr, flush=True)

    for r in range(rounds):
        # Each side goes first in turn, so that the machine's other load falls on all.
        for side in sides[r % len(sides):] + sides[:r % len(sides)]:
            measure(side)

    def cell(values):
        return f"**{statistics.median(values):.3g}** [{', '.join(f'{v:.3g}' for v in values)}]"

    print(f"Side by side, {rounds} rounds alternating (medians; every round in brackets); "
          "ratio = scalebench / original" + ("; `before`: SCALEBENCH_BEFORE" if before else "") + ".")
    print()
    head = "| figure | unit | original (Go) | scalebench | ratio |" + (" before | before / original |" if before else "")
    print(head)
    print("|---|---|---:|---:|---:|" + ("---:|---:|" if before else ""))
    for key in samples["original"]:
        if key not in samples["scalebench"]:
            continue
        name, unit = label(key)
        o = samples["original"][key]
        row = f"| {name} | {unit} | {cell(o)} "
        for side in sides[1:]:
            values = samples[side].get(key)
            if not values:
                row += "| — | — "
                continue
            mo, ms = statistics.median(o), statistics.median(values)
            row += f"| {cell(values)} | {ms / mo:.2f} " if mo > 0 else f"| {cell(values)} | — "
        print(row + "|")


if __name__ == "__main__":
    main()
