#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "CRuntime.h"

unsigned scalebench_word_load(const unsigned *word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }

void scalebench_word_store(unsigned *word, unsigned value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }

unsigned scalebench_word_increment(unsigned *word) { return __atomic_add_fetch(word, 1u, __ATOMIC_ACQ_REL); }

int scalebench_futex_wait_until(unsigned *word, unsigned expected, unsigned long long deadline_ns) {
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000ull), .tv_nsec = (long)(deadline_ns % 1000000000ull)};
    // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline (FUTEX_WAIT a relative one).
    long status = syscall(SYS_futex, word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected,
                          deadline_ns == UINT64_MAX ? NULL : &ts, NULL, FUTEX_BITSET_MATCH_ANY);
    return status == 0 ? 0 : errno;
}

int scalebench_futex_wake(unsigned *word, int count) {
    return (int)syscall(SYS_futex, word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, count, NULL, NULL, 0);
}

int scalebench_futex_wake_all(unsigned *word) { return scalebench_futex_wake(word, INT_MAX); }
