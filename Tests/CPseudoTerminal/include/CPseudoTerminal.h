// The pseudo-terminal calls glibc declares only under _GNU_SOURCE, which Swift's
// Glibc module does not define; the test driver reaches them through this.
#ifndef CPSEUDOTERMINAL_H
#define CPSEUDOTERMINAL_H
#include <stddef.h>

/// Opens a new pseudo-terminal master (80x24); writes the slave's path into `name`.
/// Returns the master descriptor, or -1 with errno set.
int cpt_open_master(char *name, size_t capacity);

/// The posix_spawn flag that starts the child in a new session.
short cpt_spawn_setsid_flag(void);
#endif
