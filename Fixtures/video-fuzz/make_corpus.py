#!/usr/bin/env python3
"""Writes the video fuzz corpus: clips made with Debian's ffmpeg over a grid of frame
sizes, pixel formats, codecs and containers, plus seeded byte-level mutations of them.

    make_corpus.py OUT_FOLDER [--tier quick|full] [--seed N] [--jobs J]

Every file's entry in OUT_FOLDER/manifest.json says how it was made and what
`ffprobe -count_frames` counts in it (null when ffprobe itself cannot read it). The
same tier and seed write the same list of files; the clips' bytes are reproducible with
the same ffmpeg build (single-threaded, bit-exact flags, no metadata).

Tiers: `quick` (what every CI run decodes) samples each axis; `full` is the whole
campaign: every width and every height from 2 to 64 (where the codec allows it), a spread
of sizes up to 4096, every pixel format, codec and container, and several mutations of
every base clip.
"""
import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys

COMMON = ["-threads", "1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"]


def ffmpeg(args, out):
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y"] + args + COMMON + [out]
    return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)


def source(width, height, frames, rate=10, pattern="testsrc2"):
    return ["-f", "lavfi", "-i", f"{pattern}=size={width}x{height}:rate={rate}", "-frames:v", str(frames)]


# (label, codec arguments, extension, constraint on the size: 'any', 'even', or a multiple)
CODECS = {
    "h264-mp4": (["-c:v", "libx264", "-preset", "ultrafast", "-g", "4", "-bf", "2"], "mp4", "even"),
    "h264-mkv": (["-c:v", "libx264", "-preset", "ultrafast", "-g", "4"], "mkv", "even"),
    "h264-ts": (["-c:v", "libx264", "-preset", "ultrafast", "-g", "4", "-f", "mpegts"], "ts", "even"),
    "h264-annexb": (["-c:v", "libx264", "-preset", "ultrafast", "-g", "4", "-f", "h264"], "h264", "even"),
    "hevc-mp4": (["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:pools=1:frame-threads=1"], "mp4", 8),
    "hevc-mkv": (["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:pools=1:frame-threads=1"], "mkv", 8),
    "vp8-webm": (["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"], "webm", "any"),
    "vp9-webm": (["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"], "webm", "any"),
    "av1-mkv": (["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime", "-b:v", "200k"], "mkv", "any"),
    "mpeg2-mpg": (["-c:v", "mpeg2video", "-q:v", "8", "-bf", "2", "-f", "vob"], "mpg", "even"),
    "mpeg2-ts": (["-c:v", "mpeg2video", "-q:v", "8", "-f", "mpegts"], "ts", "even"),
    "mpeg4-avi": (["-c:v", "mpeg4", "-q:v", "8", "-bf", "1"], "avi", "even"),
    "mpeg4-mp4": (["-c:v", "mpeg4", "-q:v", "8"], "mp4", "even"),
    "mjpeg-avi": (["-c:v", "mjpeg", "-q:v", "8"], "avi", "any"),
    "mjpeg-mov": (["-c:v", "mjpeg", "-q:v", "8"], "mov", "any"),
    "ffv1-mkv": (["-c:v", "ffv1"], "mkv", "any"),
    "prores-mov": (["-c:v", "prores_ks", "-profile:v", "0"], "mov", "even"),
    "theora-ogv": (["-c:v", "libtheora", "-q:v", "5"], "ogv", "even"),
    "png-mov": (["-c:v", "png"], "mov", "any"),
    "gif": (["-c:v", "gif"], "gif", "any"),
    "raw-nut": (["-c:v", "rawvideo"], "nut", "any"),
    "utvideo-avi": (["-c:v", "utvideo"], "avi", "even"),
}

# Pixel formats and the codecs that store each (the first one is used where only one clip is made).
PIXEL_FORMATS = {
    "yuv420p": ["h264-mp4", "ffv1-mkv", "vp9-webm", "raw-nut"],
    "yuvj420p": ["mjpeg-avi"],
    "yuv422p": ["h264-mkv", "ffv1-mkv", "mjpeg-mov", "raw-nut"],
    "yuv444p": ["h264-mkv", "ffv1-mkv", "vp9-webm", "raw-nut"],
    "yuv420p10le": ["h264-mkv", "hevc-mkv", "ffv1-mkv", "vp9-webm"],
    "yuv422p10le": ["prores-mov", "ffv1-mkv"],
    "yuv444p12le": ["ffv1-mkv", "hevc-mkv"],
    "nv12": ["raw-nut", "h264-mkv"],
    "nv21": ["raw-nut"],
    "gray": ["ffv1-mkv", "raw-nut", "png-mov"],
    "gray10le": ["ffv1-mkv"],
    "gray16be": ["png-mov"],
    "rgb24": ["png-mov", "raw-nut", "h264-mkv"],
    "bgr0": ["ffv1-mkv", "raw-nut"],
    "rgba": ["png-mov", "raw-nut"],
    "rgb48be": ["png-mov"],
    "pal8": ["gif", "png-mov", "raw-nut"],
    "yuva420p": ["ffv1-mkv", "vp9-webm"],
    "monob": ["raw-nut"],
    "yuv410p": ["raw-nut", "ffv1-mkv"],
    "yuv411p": ["raw-nut"],
    "uyvy422": ["raw-nut"],
}


def fits(constraint, width, height):
    if constraint == "any":
        return True
    if constraint == "even":
        return width % 2 == 0 and height % 2 == 0
    return width % constraint == 0 and height % constraint == 0 and width >= 16 and height >= 16


class Corpus:
    def __init__(self, out, tier, seed):
        self.out, self.tier, self.random = out, tier, random.Random(seed)
        self.jobs = []  # (name, generator, description)

    def clip(self, name, codec, width, height, pix_fmt="yuv420p", frames=3, extra_in=(), extra_out=(), vf=None,
             description=""):
        args, ext, constraint = CODECS[codec]
        if not fits(constraint, width, height):
            return None
        file = f"{name}.{ext}"

        def make():
            cmd = source(width, height, frames) + list(extra_in)
            filters = ([vf] if vf else []) + [f"format={pix_fmt}"]
            cmd += ["-vf", ",".join(filters)] + args + list(extra_out)
            return ffmpeg(cmd, os.path.join(self.out, file))

        self.jobs.append((file, make, {"kind": "clip", "codec": codec, "width": width, "height": height,
                                       "pix_fmt": pix_fmt, "frames": frames, "what": description}))
        return file

    def concat(self, name, parts, codec, description):
        """Concatenated elementary streams: the decoder meets a new size or pixel format mid-stream."""
        args, ext, _ = CODECS[codec]
        file = f"{name}.{ext}"

        def make():
            pieces = []
            for index, (width, height, pix_fmt) in enumerate(parts):
                piece = os.path.join(self.out, f".{name}-{index}.{ext}")
                result = ffmpeg(source(width, height, 4) + ["-vf", f"format={pix_fmt}"] + args, piece)
                if result.returncode != 0:
                    return result
                pieces.append(piece)
            with open(os.path.join(self.out, file), "wb") as joined:
                for piece in pieces:
                    with open(piece, "rb") as part:
                        joined.write(part.read())
                    os.remove(piece)
            return subprocess.CompletedProcess([], 0, b"", b"")

        self.jobs.append((file, make, {"kind": "concat", "codec": codec, "parts": parts, "what": description}))

    def build(self):
        quick = self.tier == "quick"
        # Every width (then every height) from 2 to 64, with a codec that takes odd sizes,
        # and H.264 where it allows the size; then a spread up to 4096.
        small = range(2, 65) if not quick else sorted(set([2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 63, 64]
                                                            + self.random.sample(range(2, 65), 8)))
        for w in small:
            self.clip(f"w{w}-h18-ffv1", "ffv1-mkv", w, 18, description="width grid")
            self.clip(f"w{w}-h18-h264", "h264-mkv", w, 18, pix_fmt="yuv444p" if w % 2 else "yuv420p", description="width grid")
        for h in small:
            self.clip(f"w18-h{h}-ffv1", "ffv1-mkv", 18, h, description="height grid")
            self.clip(f"w18-h{h}-h264", "h264-mkv", 18, h, pix_fmt="yuv444p" if h % 2 else "yuv420p", description="height grid")
        # The widths of the heap corruption at height 186, and their neighbours.
        reported = [320, 322, 324, 326, 328, 330, 332, 334, 336, 344, 352, 360, 368, 376, 384, 400, 424, 456, 480, 490, 502]
        for w in (reported if not quick else [320, 328, 330, 424, 456, 490, 502]):
            self.clip(f"w{w}-h186-h264", "h264-mp4", w, 186, frames=2, description="reported width")
        spread = [65, 97, 127, 128, 129, 255, 257, 321, 511, 513, 639, 640, 641, 1023, 1279, 1280, 1366, 1919, 1920, 2047,
                  2048, 2561, 3000, 3839, 4095, 4096]
        for v in (spread if not quick else [65, 129, 641, 1919, 4095, 4096]):
            self.clip(f"w{v}-h10-ffv1", "ffv1-mkv", v, 10, frames=2, description="wide")
            self.clip(f"w10-h{v}-ffv1", "ffv1-mkv", 10, v, frames=2, description="tall")
            even = v + (v % 2)
            self.clip(f"w{even}-h34-h264", "h264-mkv", even, 34, frames=2, description="wide")
        for w, h in ([(1920, 1080), (4096, 2160), (3841, 2161), (1281, 721)] if not quick else [(1920, 1080), (1281, 721)]):
            self.clip(f"w{w}-h{h}-ffv1", "ffv1-mkv", w, h, frames=2, description="large")
        # Every pixel format, in each codec that stores it (quick: the first).
        for fmt, codecs in PIXEL_FORMATS.items():
            for codec in (codecs if not quick else codecs[:1]):
                for w, h in ([(64, 48), (37, 29)] if not quick else [(37, 29)]):
                    self.clip(f"fmt-{fmt}-{codec}-{w}x{h}", codec, w, h, pix_fmt=fmt, description="pixel format")
                    self.clip(f"fmt-{fmt}-{codec}-{w + 1}x{h + 1}", codec, w + 1, h + 1, pix_fmt=fmt, description="pixel format")
        # Every codec and container, at an ordinary and an odd-ish size.
        for codec in CODECS:
            for w, h in ([(160, 120), (176, 144), (330, 186)] if not quick else [(176, 144)]):
                fmt = "pal8" if codec == "gif" else ("yuvj420p" if codec.startswith("mjpeg") else
                                                     ("yuv422p10le" if codec == "prores-mov" else
                                                      ("rgb24" if codec == "png-mov" else "yuv420p")))
                self.clip(f"codec-{codec}-{w}x{h}", codec, w, h, pix_fmt=fmt, frames=5, description="codec and container")
        # Variable frame rate, rotation metadata, interlacing.
        self.clip("vfr-h264-mkv", "h264-mkv", 96, 64, frames=12, vf="select='not(mod(n\\,3))+eq(mod(n\\,5)\\,1)'",
                  extra_out=["-vsync", "vfr"], description="variable frame rate")
        self.clip("vfr-h264-mp4", "h264-mp4", 96, 64, frames=12, vf="setpts='N/10/TB+if(mod(N\\,2)\\,0.03/TB\\,0)'",
                  extra_out=["-vsync", "vfr"], description="variable frame rate")
        for angle in ([90, 180, 270] if not quick else [90]):
            self.clip(f"rotate{angle}-h264-mp4", "h264-mp4", 96, 64, extra_out=["-metadata:s:v:0", f"rotate={angle}"],
                      description="rotation metadata")
        self.clip("interlaced-h264-mkv", "h264-mkv", 96, 64, frames=6,
                  extra_out=["-flags", "+ildct+ilme", "-x264opts", "tff=1"], description="interlaced")
        self.clip("interlaced-mpeg2-ts", "mpeg2-ts", 96, 64, frames=6, extra_out=["-flags", "+ildct+ilme", "-top", "1"],
                  description="interlaced")
        # A size or pixel-format change mid-stream.
        self.concat("change-size-h264", [(64, 48, "yuv420p"), (96, 72, "yuv420p"), (34, 18, "yuv420p")], "h264-annexb",
                    "resolution change mid-stream")
        self.concat("change-format-h264", [(64, 48, "yuv420p"), (64, 48, "yuv444p"), (64, 48, "yuv420p10le")], "h264-annexb",
                    "pixel-format change mid-stream")
        self.concat("change-size-mpeg2", [(64, 48, "yuv420p"), (128, 96, "yuv420p")], "mpeg2-ts", "resolution change mid-stream")
        if not quick:
            self.concat("change-size-hevc", [(64, 48, "yuv420p"), (128, 96, "yuv420p")], "hevc-mkv", "resolution change")


def mutate(data, rnd):
    """One byte-level mutation: what it did, and the mutated bytes."""
    n = len(data)
    kind = rnd.choice(["truncate", "zero", "flip", "repeat", "truncate", "flip"])
    if kind == "truncate":
        cut = rnd.randrange(0, max(n, 1))
        return f"truncate at {cut} of {n}", data[:cut]
    if kind == "zero":
        start = rnd.randrange(0, max(n, 1))
        length = rnd.choice([1, 16, 256, 4096, max(n // 8, 1)])
        out = bytearray(data)
        out[start:start + length] = bytes(min(length, n - start))
        return f"zero {length} bytes at {start}", bytes(out)
    if kind == "flip":
        out = bytearray(data)
        count = rnd.choice([1, 4, 32, 256])
        for _ in range(count):
            position = rnd.randrange(0, max(n, 1))
            if position < n:
                out[position] ^= 1 << rnd.randrange(8)
        return f"flip {count} bits", bytes(out)
    start = rnd.randrange(0, max(n, 1))
    length = rnd.choice([16, 512, 8192])
    chunk = data[start:start + length]
    times = rnd.choice([1, 3])
    return f"repeat {len(chunk)} bytes at {start} ×{times}", data[:start + len(chunk)] + chunk * times + data[start + len(chunk):]


def ffprobe_frames(path):
    try:
        result = subprocess.run(["ffprobe", "-v", "error", "-threads", "1", "-count_frames", "-select_streams", "v:0",
                                 "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    lines = [line.strip().strip(",") for line in result.stdout.decode().splitlines() if line.strip()]
    if result.returncode != 0 or not lines or not lines[0].isdigit():
        return None
    return int(lines[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--tier", choices=["quick", "full"], default="quick")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    corpus = Corpus(options.out, options.tier, options.seed)
    corpus.build()

    entries, refused = [], []
    with concurrent.futures.ThreadPoolExecutor(options.jobs) as pool:
        results = list(pool.map(lambda job: (job, job[1]()), corpus.jobs))
    for (file, _, description), result in results:
        if result.returncode != 0:
            # The encoder refused this size or format: not part of the corpus.
            refused.append({"file": file, **description, "ffmpeg": result.stderr.decode(errors="replace").strip()[-300:]})
            continue
        entries.append({"file": file, **description})

    # Mutations of the base clips, seeded: each gets a few byte-level faults.
    rnd = random.Random(options.seed * 7919 + 1)
    per_clip = 1 if options.tier == "quick" else 3
    bases = [e for e in entries if e["kind"] == "clip" or e["kind"] == "concat"]
    for base in (rnd.sample(bases, min(len(bases), 60)) if options.tier == "quick" else bases):
        with open(os.path.join(options.out, base["file"]), "rb") as handle:
            data = handle.read()
        stem, ext = os.path.splitext(base["file"])
        for index in range(per_clip):
            what, mutated = mutate(data, rnd)
            file = f"{stem}.mut{index}{ext}"
            with open(os.path.join(options.out, file), "wb") as handle:
                handle.write(mutated)
            entries.append({"file": file, "kind": "mutation", "base": base["file"], "what": what})

    with concurrent.futures.ThreadPoolExecutor(options.jobs) as pool:
        counts = list(pool.map(lambda e: ffprobe_frames(os.path.join(options.out, e["file"])), entries))
    for entry, count in zip(entries, counts):
        entry["ffprobe_frames"] = count
    manifest = {"tier": options.tier, "seed": options.seed, "files": entries, "refused_by_encoder": refused}
    with open(os.path.join(options.out, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)
    print(f"{len(entries)} files ({sum(e['kind'] == 'mutation' for e in entries)} mutations), "
          f"{len(refused)} combinations the encoders refused", file=sys.stderr)


if __name__ == "__main__":
    main()
