#!/usr/bin/python3
"""A real person detector speaking the original's worker protocol.

OpenCV's HOG + linear SVM people detector (Dalal and Triggs, 2005), whose model ships
inside OpenCV itself: nothing to download. Runs with Debian's python3-opencv and
python3-msgpack (`make deps` installs them).

Protocol (the original's bridge): on standard input, a 4-byte big-endian length, then
one MsgPack map: frame_data (JPEG bytes, or raw pixels with frame_format), width,
height, meta {instance_id, room_id, seq, timestamp}. On standard output, the same
framing around {data: {detections, person_count, frame_seq}, timing: {total_ms,
inference_ms, preprocessing_ms, postprocessing_ms}}, or {error: "..."} for a frame it
cannot read. Log lines go to standard error. End of standard input: exit.
"""
import argparse
import struct
import sys
import time

import cv2
import msgpack
import numpy


def read_exactly(stream, count):
    data = b""
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def decode(request):
    """The request's frame as a grayscale image (what HOG reads), or a reason it is not one."""
    frame = request.get("frame_data")
    width, height = request.get("width"), request.get("height")
    if not isinstance(frame, (bytes, bytearray)) or not isinstance(width, int) or not isinstance(height, int):
        return None, "frame_data, width and height are required"
    kind = request.get("frame_format")
    if kind is None:
        image = cv2.imdecode(numpy.frombuffer(frame, numpy.uint8), cv2.IMREAD_GRAYSCALE)
        if image is None:
            return None, "frame_data is not a JPEG"
    elif kind in ("gray", "yuv420p"):
        # The luma plane leads a yuv420p frame: what HOG needs.
        if len(frame) < width * height:
            return None, "frame_data is shorter than %dx%d" % (width, height)
        image = numpy.frombuffer(frame, numpy.uint8, width * height).reshape(height, width)
    elif kind == "rgb24":
        if len(frame) < width * height * 3:
            return None, "frame_data is shorter than %dx%d RGB" % (width, height)
        image = cv2.cvtColor(numpy.frombuffer(frame, numpy.uint8, width * height * 3).reshape(height, width, 3),
                             cv2.COLOR_RGB2GRAY)
    else:
        return None, "unknown frame_format %r" % kind
    if image.shape[1] != width or image.shape[0] != height:
        return None, "the JPEG is %dx%d, the request says %dx%d" % (image.shape[1], image.shape[0], width, height)
    return image, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1,
                        help="OpenCV's worker threads (0: its default, one per CPU; the original's ONNX Runtime default)")
    parser.add_argument("--scale", type=float, default=1.05, help="the image pyramid's step")
    parser.add_argument("--stride", type=int, default=8, help="the detection window's step, pixels")
    parser.add_argument("--min-weight", type=float, default=0.3, help="detections below this SVM score are dropped")
    args = parser.parse_args()
    cv2.setNumThreads(args.threads)
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    print("hog_person_detector ready (OpenCV %s, %d threads)" % (cv2.__version__, cv2.getNumThreads()), file=sys.stderr, flush=True)
    while True:
        prefix = read_exactly(stdin, 4)
        if prefix is None:
            break
        body = read_exactly(stdin, struct.unpack(">I", prefix)[0])
        if body is None:
            break
        started = time.perf_counter()
        request = msgpack.unpackb(body, raw=False)
        meta = request.get("meta") or {}
        image, problem = decode(request)
        decoded = time.perf_counter()
        if problem is not None:
            reply = {"error": problem}
        else:
            boxes, weights = hog.detectMultiScale(image, winStride=(args.stride, args.stride), padding=(8, 8), scale=args.scale)
            inferred = time.perf_counter()
            detections = []
            for (x, y, w, h), weight in zip(boxes, numpy.ravel(weights) if len(boxes) else []):
                if float(weight) < args.min_weight:
                    continue
                detections.append({"class": "person", "confidence": float(weight),
                                   "bbox": [int(x), int(y), int(x + w), int(y + h)]})
            finished = time.perf_counter()
            reply = {
                "data": {"detections": detections, "person_count": len(detections), "frame_seq": meta.get("seq", 0)},
                "timing": {"total_ms": (finished - started) * 1e3, "inference_ms": (inferred - decoded) * 1e3,
                           "preprocessing_ms": (decoded - started) * 1e3, "postprocessing_ms": (finished - inferred) * 1e3},
            }
        out = msgpack.packb(reply, use_bin_type=True)
        stdout.write(struct.pack(">I", len(out)) + out)
        stdout.flush()


if __name__ == "__main__":
    main()
