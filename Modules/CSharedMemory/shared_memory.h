// What Swift cannot reach on its own for the shm channel (docs/PROTOCOL.md, "Shared
// memory"): atomics on words of a mapped region (Swift's atomics live only in stored
// properties), the CPU's spin-wait hint, and the futex and memfd system calls, which
// Glibc exposes only through the variadic syscall(2).
#ifndef COMPLEX_SHARED_MEMORY_H
#define COMPLEX_SHARED_MEMORY_H

#include <stdint.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/futex.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS (1024 + 9)
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#endif

static inline uint32_t cx_load_acquire(const uint32_t *word) {
    return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}

static inline void cx_store_release(uint32_t *word, uint32_t value) {
    __atomic_store_n(word, value, __ATOMIC_RELEASE);
}

/// A store, then a full fence: what each side of a "publish, then see whether the
/// other sleeps" handshake needs, so that at least one of the two sees the other.
static inline void cx_store_fenced(uint32_t *word, uint32_t value) {
    __atomic_store_n(word, value, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void cx_fence(void) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void cx_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Sleeps while `*word == expected`, at most `timeout_ns` (negative: no limit). Shared
/// (not FUTEX_PRIVATE), as the word lives in memory mapped by two processes.
static inline int cx_futex_wait(uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    struct timespec limit = { (time_t)(timeout_ns / 1000000000), (long)(timeout_ns % 1000000000) };
    return (int)syscall(SYS_futex, word, FUTEX_WAIT, expected, timeout_ns < 0 ? NULL : &limit, NULL, 0);
}

static inline int cx_futex_wake(uint32_t *word) {
    return (int)syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/// An anonymous memory file that can be sealed, closed on exec.
static inline int cx_memfd_create(const char *name) {
    return (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

/// Fixes the file's size for good: nobody holding it (a hostile client included) can
/// shrink it under the other's mapping, which would make that side's next access SIGBUS.
static inline int cx_seal_size(int fd) {
    return fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
}

#endif
