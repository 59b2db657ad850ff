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

/// pipe2(fds, O_CLOEXEC): a pipe whose ends no child inherits unless handed them.
int scalebench_pipe_cloexec(int fds[2]);

/// Starts `argv[0]` (searched in PATH when it has no slash) with `envp`, in directory
/// `cwd` (NULL: the caller's), its standard input, output and error on the given
/// descriptors, in a process group of its own (so that a stop reaches its children),
/// with every other descriptor closed. 0 and `*pid` on success, else the errno value
/// (ENOENT for a command that does not exist).
int scalebench_spawn(char *const argv[], char *const envp[], const char *cwd, int in_fd, int out_fd, int err_fd, int *pid);

/// CPU time of every thread of process `pid`, living or ended, in ns (the kernel's
/// process CPU clock, as precise as the scheduler's accounting); -1 when the process
/// is gone or not ours.
long long scalebench_process_cpu_ns(int pid);

/// A 32-bit word that threads park on (Linux futexes, process-private): loads, stores and
/// increments (returning the new value, wrapping) with acquire / release ordering, a wait while the word still holds `expected` until
/// woken or the absolute CLOCK_MONOTONIC deadline in ns (UINT64_MAX: none) — 0 when woken,
/// else the errno value (ETIMEDOUT, EAGAIN when the word had already changed, EINTR) —
/// and a wake of at most `count` waiters (returns how many were woken).
unsigned scalebench_word_load(const unsigned *word);
void scalebench_word_store(unsigned *word, unsigned value);
unsigned scalebench_word_increment(unsigned *word);
int scalebench_futex_wait_until(unsigned *word, unsigned expected, unsigned long long deadline_ns);
int scalebench_futex_wake(unsigned *word, int count);
int scalebench_futex_wake_all(unsigned *word);

#endif
