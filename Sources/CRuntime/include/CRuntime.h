#ifndef SCALEBENCH_CRUNTIME_H
#define SCALEBENCH_CRUNTIME_H

/// Linux scheduling calls that glibc declares only under _GNU_SOURCE, which Swift's
/// Glibc module does not define: CPU affinity of a thread, and the thread's id.

/// Fills `mask` (`bytes` long, CPU i at bit i % 8 of byte i / 8) with the CPUs the
/// calling thread may run on; 0 on success, -1 with errno set.
int scalebench_get_affinity(unsigned char *mask, int bytes);

/// Restricts thread `tid` (0: the calling thread) to the CPUs in `mask`; 0 or -1.
int scalebench_set_affinity(int tid, const unsigned char *mask, int bytes);

/// The calling thread's kernel id.
int scalebench_gettid(void);

/// Bytes of heap in live allocations: the AddressSanitizer runtime's count when the
/// process runs under it (freed blocks in its quarantine excluded), else glibc's
/// (mallinfo2: in-use chunks and mmapped blocks). For leak checks that RSS, which the
/// sanitizer's quarantine inflates, cannot make.
unsigned long long scalebench_live_heap_bytes(void);

#endif
