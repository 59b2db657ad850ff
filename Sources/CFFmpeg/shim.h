#ifndef SCALEBENCH_CFFMPEG_SHIM_H
#define SCALEBENCH_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

// Function-like macros Swift cannot import.
static inline int scalebench_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int scalebench_averror_eof(void) { return AVERROR_EOF; }

#endif
