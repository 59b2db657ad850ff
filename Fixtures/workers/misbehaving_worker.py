#!/usr/bin/python3
"""A worker that speaks the original's protocol, then misbehaves as told: the process
worker tests' counterpart. Answers properly (no persons) until --after frames of the
room given by --room (every room when none) have been answered, then:

  ok         keeps answering properly
  crash      exits with status 3, after a log line
  hang       stops answering (reads on, never replies)
  stop-reading  stops reading its input, never replies
  garbage    writes a length prefix and bytes that are not MsgPack
  truncated  writes a prefix announcing 100 bytes, 10 of them, and exits
  oversized  announces a 64 MiB reply
  reject     answers {error: ...}
  wrong-seq  answers another frame's seq
  exit-at-start  (ignores --after) exits before reading anything
"""
import argparse
import os
import struct
import sys
import time

import msgpack


def read_exactly(stream, count):
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def send(out, payload):
    out.write(struct.pack(">I", len(payload)) + payload)
    out.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--after", type=int, default=0)
    parser.add_argument("--room")
    parser.add_argument("--grandchild", action="store_true", help="leave a sleeping child of its own")
    args = parser.parse_args()
    if args.grandchild and os.fork() == 0:
        time.sleep(3600)
        os._exit(0)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    print("misbehaving worker pid %d, mode %s" % (os.getpid(), args.mode), file=sys.stderr, flush=True)
    if args.mode == "exit-at-start":
        print("cannot load the model", file=sys.stderr, flush=True)
        sys.exit(4)
    answered = 0
    while True:
        prefix = read_exactly(stdin, 4)
        if prefix is None:
            return
        body = read_exactly(stdin, struct.unpack(">I", prefix)[0])
        if body is None:
            return
        request = msgpack.unpackb(body, raw=False)
        meta = request["meta"]
        ours = args.room is None or meta["room_id"] == args.room
        if ours and answered >= args.after and args.mode != "ok":
            if args.mode == "crash":
                print("Traceback: RuntimeError: inference failed", file=sys.stderr, flush=True)
                sys.exit(3)
            if args.mode == "hang":
                while read_exactly(stdin, 1) is not None:
                    pass
                time.sleep(3600)
            if args.mode == "stop-reading":
                time.sleep(3600)
            if args.mode == "garbage":
                send(stdout, b"\xc1\xc1 this is not msgpack")
                continue
            if args.mode == "truncated":
                stdout.write(struct.pack(">I", 100) + b"0123456789")
                stdout.flush()
                sys.exit(0)
            if args.mode == "oversized":
                stdout.write(struct.pack(">I", 64 << 20))
                stdout.flush()
                time.sleep(3600)
            if args.mode == "reject":
                send(stdout, msgpack.packb({"error": "cannot decode frame %d" % meta["seq"]}))
                continue
            if args.mode == "wrong-seq":
                meta["seq"] = meta["seq"] + 1000
        if ours:
            answered += 1
        reply = {"data": {"detections": [], "person_count": 0, "frame_seq": meta["seq"]},
                 "timing": {"total_ms": 1.0, "inference_ms": 0.5, "preprocessing_ms": 0.3, "postprocessing_ms": 0.2},
                 "echo": {"width": request["width"], "height": request["height"], "bytes": len(request["frame_data"]),
                          "jpeg": request["frame_data"][:2] == b"\xff\xd8", "format": request.get("frame_format"),
                          "timestamp": meta["timestamp"], "instance": meta["instance_id"]}}
        send(stdout, msgpack.packb(reply, use_bin_type=True))


if __name__ == "__main__":
    main()
