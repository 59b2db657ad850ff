#include <malloc.h>
#include <stddef.h>
#include "CRuntime.h"

/* Defined by the AddressSanitizer runtime when the process runs under it. */
extern size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

unsigned long long scalebench_live_heap_bytes(void) {
    if (__sanitizer_get_current_allocated_bytes) return __sanitizer_get_current_allocated_bytes();
    struct mallinfo2 info = mallinfo2();
    return (unsigned long long)info.uordblks + (unsigned long long)info.hblkhd;
}
