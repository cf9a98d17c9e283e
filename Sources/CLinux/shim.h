// Linux calls Swift's Glibc module hides (it is built without _GNU_SOURCE). The prototypes are
// glibc's own; declaring them again here is harmless and keeps the module independent of how the
// system headers were first imported.
#include <spawn.h>
#include <sched.h>
#include <unistd.h>

extern int pipe2(int pipefd[2], int flags);
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
extern int setns(int fd, int nstype);
extern int unshare(int flags);

static inline int helmctl_pipe_cloexec(int fds[2]) { return pipe2(fds, 02000000 /* O_CLOEXEC */); }
