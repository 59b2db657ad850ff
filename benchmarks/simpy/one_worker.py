"""A peer model of docs/queueing.md section 1 in SimPy: one worker, one latest-frame slot.

Poisson arrivals of rate LAMBDA; a new frame overwrites the one waiting in the slot; the
worker takes the waiting frame the moment it is free and serves it for a time drawn from
the service distribution (constant or exponential). Prints throughput, drop fraction,
mean age at service start and mean latency over the frames captured after the warm-up,
and the wall time, as JSON. Run by benchmarks/simpy/compare.sh beside scalebench's
simulated executor on the same parameters.

usage: one_worker.py LAMBDA SERVICE_MEAN_S constant|exponential FRAMES SEED
"""
import json
import random
import sys
import time

import simpy


def run(rate, mean, kind, frames, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    slot = {"frame": None}          # the waiting frame's capture time, or None
    wake = {"event": env.event()}    # the idle worker waits on this
    stats = {"arrived": 0, "dropped": 0, "served": 0, "age": 0.0, "latency": 0.0, "first": None, "last": 0.0}
    warmup = frames // 20

    def service():
        return mean if kind == "constant" else rng.expovariate(1.0 / mean)

    def capture():
        for index in range(frames + warmup):
            yield env.timeout(rng.expovariate(rate))
            if slot["frame"] is not None and slot["frame"][1] >= warmup:
                stats["dropped"] += 1
            slot["frame"] = (env.now, index)
            if index >= warmup:
                stats["arrived"] += 1
            if not wake["event"].triggered:
                wake["event"].succeed()

    def worker():
        while True:
            if slot["frame"] is None:
                wake["event"] = env.event()
                yield wake["event"]
                continue
            captured, index = slot["frame"]
            slot["frame"] = None
            start = env.now
            yield env.timeout(service())
            if index >= warmup:
                stats["served"] += 1
                stats["age"] += start - captured
                stats["latency"] += env.now - captured
                if stats["first"] is None:
                    stats["first"] = captured
                stats["last"] = env.now

    env.process(capture())
    env.process(worker())
    began = time.perf_counter()
    env.run()
    wall = time.perf_counter() - began
    span = stats["last"] - stats["first"]
    return {
        "model": "simpy " + simpy.__version__,
        "frames": stats["arrived"],
        "throughput": stats["served"] / span,
        "drop_fraction": 1 - stats["served"] / stats["arrived"],
        "mean_age_ms": stats["age"] / stats["served"] * 1e3,
        "mean_latency_ms": stats["latency"] / stats["served"] * 1e3,
        "wall_seconds": wall,
        "frames_per_wall_second": (frames + warmup) / wall,
    }


if __name__ == "__main__":
    rate, mean, kind, frames, seed = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    print(json.dumps(run(rate, mean, kind, frames, seed), indent=2))
