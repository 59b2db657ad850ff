#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <time.h>
#include <unistd.h>
#include "CRuntime.h"

int scalebench_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int scalebench_spawn(char *const argv[], char *const envp[], const char *cwd, int in_fd, int out_fd, int err_fd, int *pid) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    int status = posix_spawn_file_actions_init(&actions);
    if (status != 0) return status;
    status = posix_spawnattr_init(&attributes);
    if (status != 0) { posix_spawn_file_actions_destroy(&actions); return status; }
    // dup2 clears close-on-exec on the copies; the originals are closed with the rest.
    if (status == 0) status = posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
    if (status == 0) status = posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    if (status == 0) status = posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    // The workbench's own descriptors (the results database, other children's pipes) are
    // none of the child's business, and a pipe end held by a sibling would hide EOF.
    if (status == 0) status = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (status == 0 && cwd != NULL) status = posix_spawn_file_actions_addchdir_np(&actions, cwd);
    if (status == 0) status = posix_spawnattr_setpgroup(&attributes, 0);
    if (status == 0) status = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    // The child starts with default signal handling and nothing blocked, whatever the
    // workbench ignores (SIGPIPE) or blocks on its threads.
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    if (status == 0) status = posix_spawnattr_setsigdefault(&attributes, &all);
    if (status == 0) status = posix_spawnattr_setsigmask(&attributes, &none);
    pid_t child = 0;
    if (status == 0) status = posix_spawnp(&child, argv[0], &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (status == 0) *pid = child;
    return status;
}

long long scalebench_process_cpu_ns(int pid) {
    clockid_t clock;
    if (clock_getcpuclockid(pid, &clock) != 0) return -1;
    struct timespec now;
    if (clock_gettime(clock, &now) != 0) return -1;
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}
