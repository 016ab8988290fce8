// What Swift cannot reach on its own for the server's listeners: accept4(2), which
// Glibc declares only under _GNU_SOURCE (defining that here would give this module's
// system types another shape than Glibc's module, so the declaration is spelled out).
// One call accepts a connection and marks its descriptor close-on-exec, so no child
// process started in between can inherit it.
#ifndef COMPLEX_SOCKET_H
#define COMPLEX_SOCKET_H

struct sockaddr;
extern int accept4(int listener, struct sockaddr *address, unsigned int *length, int flags);

/// SOCK_CLOEXEC on Linux (the same bit as O_CLOEXEC).
#define CX_SOCK_CLOEXEC 02000000

static inline int cx_accept_cloexec(int listener) {
    return accept4(listener, 0, 0, CX_SOCK_CLOEXEC);
}

#endif
