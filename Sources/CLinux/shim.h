// Linux calls Swift's Glibc module hides (it is built without _GNU_SOURCE). No system header is
// included here on purpose: a module that re-exports <spawn.h> or <unistd.h> makes the compiler
// think libc's types (posix_spawnattr_t, struct stat) come from it, and every file using them would
// need `import CLinux`. The prototypes are glibc's, with `void *` for the spawn file actions.

extern int pipe2(int pipefd[2], int flags);
extern int posix_spawn_file_actions_addclosefrom_np(void *actions, int from);
extern int setns(int fd, int nstype);
extern int unshare(int flags);

static inline int helmctl_pipe_cloexec(int fds[2]) { return pipe2(fds, 02000000 /* O_CLOEXEC */); }
// s10-ksec: OOM notifications of a cgroup v1 memory controller (cgroup.event_control + eventfd).
extern int eventfd(unsigned int initval, int flags);
static inline int helmctl_eventfd_cloexec(void) { return eventfd(0, 02000000 /* EFD_CLOEXEC */); }
