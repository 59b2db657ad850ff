#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "CRuntime.h"

int scalebench_get_affinity(unsigned char *mask, int bytes) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
    memset(mask, 0, (size_t)bytes);
    for (int cpu = 0; cpu < CPU_SETSIZE && cpu / 8 < bytes; cpu++) {
        if (CPU_ISSET(cpu, &set)) mask[cpu / 8] |= (unsigned char)(1u << (cpu % 8));
    }
    return 0;
}

int scalebench_set_affinity(int tid, const unsigned char *mask, int bytes) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < CPU_SETSIZE && cpu / 8 < bytes; cpu++) {
        if (mask[cpu / 8] & (1u << (cpu % 8))) CPU_SET(cpu, &set);
    }
    return sched_setaffinity((pid_t)tid, sizeof(set), &set);
}

int scalebench_gettid(void) { return (int)syscall(SYS_gettid); }
