#ifndef SCALEBENCH_CFFMPEG_SHIM_H
#define SCALEBENCH_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
#include <stdio.h>

// Function-like macros Swift cannot import.
static inline int scalebench_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int scalebench_averror_eof(void) { return AVERROR_EOF; }
static inline int scalebench_averror(int posix) { return AVERROR(posix); }
static inline int scalebench_averror_exit(void) { return AVERROR_EXIT; }
static inline int scalebench_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int scalebench_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int scalebench_averror_demuxer_not_found(void) { return AVERROR_DEMUXER_NOT_FOUND; }
static inline int scalebench_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int scalebench_averror_protocol_not_found(void) { return AVERROR_PROTOCOL_NOT_FOUND; }
static inline int scalebench_averror_http_unauthorized(void) { return AVERROR_HTTP_UNAUTHORIZED; }
static inline int scalebench_averror_http_forbidden(void) { return AVERROR_HTTP_FORBIDDEN; }
static inline int scalebench_averror_http_not_found(void) { return AVERROR_HTTP_NOT_FOUND; }
static inline int scalebench_averror_http_server_error(void) { return AVERROR_HTTP_SERVER_ERROR; }
static inline int64_t scalebench_av_nopts_value(void) { return AV_NOPTS_VALUE; }

/// av_strerror into a caller's buffer (AVERROR text, or strerror for POSIX codes).
static inline void scalebench_av_strerror(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) { snprintf(buffer, size, "error %d", code); }
}


/// The MJPEG encoder's fixed quantiser: FF_QP2LAMBDA × q (2 best … 31 worst), as
/// `ffmpeg -q:v` sets it.
static inline void scalebench_set_fixed_quality(AVCodecContext *context, int q) {
    context->flags |= AV_CODEC_FLAG_QSCALE;
    context->global_quality = FF_QP2LAMBDA * q;
}

#endif
