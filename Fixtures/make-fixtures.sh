#!/usr/bin/env bash
# Regenerates every clip in this folder with the ffmpeg CLI. Single-threaded, bit-exact
# flags and no metadata, so a re-run gives the same bytes with the same ffmpeg build.
set -euo pipefail
cd "$(dirname "$0")"
ff() { ffmpeg -v error -y -nostdin "$@"; }
exact=(-threads 1 -fflags +bitexact -flags:v +bitexact -map_metadata -1)

# Valid clips: synthetic test patterns with motion.
ff -f lavfi -i testsrc2=size=640x360:rate=15:duration=10 "${exact[@]}" -c:v libx264 -preset veryfast -crf 32 \
   -pix_fmt yuv420p -g 30 -bf 2 -movflags +faststart corridor-640x360.mp4
ff -f lavfi -i testsrc2=size=1280x720:rate=30:duration=5 "${exact[@]}" -c:v libx264 -preset veryfast -crf 38 \
   -pix_fmt yuv420p -g 60 -bf 2 -movflags +faststart ward-1280x720.mp4
ff -f lavfi -i testsrc2=size=640x360:rate=15:duration=4 "${exact[@]}" -c:v libx265 -preset veryfast -crf 34 \
   -x265-params log-level=error:pools=1:frame-threads=1 -pix_fmt yuv420p room-hevc-640x360.mkv
ff -f lavfi -i testsrc2=size=320x240:rate=10:duration=3 "${exact[@]}" -c:v mjpeg -q:v 8 -pix_fmt yuvj420p \
   lobby-mjpeg-320x240.avi
ff -i corridor-640x360.mp4 -t 5 "${exact[@]}" -c copy -f mpegts corridor-640x360.ts
ff -i corridor-640x360.mp4 -t 5 "${exact[@]}" -c copy -bsf:v h264_mp4toannexb -f h264 corridor-640x360.h264

# Malformed clips.
: > empty.mp4
echo "This is a text file named .mp4 on purpose: it is not a video." > not-a-video.mp4
ff -f lavfi -i sine=frequency=440:duration=2 "${exact[@]}" -c:a aac audio-only.mp4
python3 - <<'PY'
import random, struct

def boxes(data):
    """Top-level MP4 boxes: (type, offset, size)."""
    offset, found = 0, []
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        if size < 8:
            break
        found.append((kind.decode("latin-1"), offset, size))
        offset += size
    return found

data = open("corridor-640x360.mp4", "rb").read()
top = {kind: (offset, size) for kind, offset, size in boxes(data)}
moov, mdat = top["moov"], top["mdat"]
open("truncated-moov.mp4", "wb").write(data[: moov[0] + moov[1] // 2])
open("truncated-data.mp4", "wb").write(data[: mdat[0] + mdat[1] // 2])

# Overwrite 4 KiB of the media data, a quarter of the way in (about 2.5 s into the
# 10 s clip, so a short run reaches it), with a fixed pseudo-random pattern.
random.seed(1)
middle = mdat[0] + mdat[1] // 4
noise = bytes(random.getrandbits(8) for _ in range(4096))
open("corrupted-packet.mp4", "wb").write(data[:middle] + noise + data[middle + len(noise):])
PY
