/* A complete shm client of complex-server in C (docs/PROTOCOL.md, "Shared memory").
   It asks for a channel on the server's Unix socket, maps the region, and sends each
   operation through the rings: write a request slot, publish the request count, wake
   the server if it sleeps, and wait for the reply count to pass.

   build: cc -O2 -o shm_client examples/shm/shm_client.c
   usage: shm_client SOCKET          (e.g. a server started with: complex-server --socket /tmp/c.sock) */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

enum { REQUEST_HEAD = 64, REPLY_HEAD = 128, SERVER_SLEEPING = 192, CLOSED = 320, REQUEST_RING = 512 };
enum { SLOTS = 256, REQUEST_SLOT = 64, REPLY_SLOT = 128 };
/* Operation codes: positions in the protocol's operation table. */
enum { ADD = 0, MUL = 2, DIV = 3, SQRT = 11 };

static unsigned char *region;
static uint32_t sent;

static uint32_t *word(int offset) { return (uint32_t *)(region + offset); }

/* Sends one operation on complex operands and prints the reply. */
static void call(const char *text, int op, int count, double are, double aim, double bre, double bim) {
    unsigned char *slot = region + REQUEST_RING + (sent % SLOTS) * REQUEST_SLOT;
    uint64_t head = (uint64_t)op | (uint64_t)count << 8 | (uint64_t)(count == 2 ? 3 : 1) << 16;
    double operands[4] = { are, aim, bre, bim };
    memcpy(slot, &head, 8);
    memcpy(slot + 8, operands, sizeof operands);
    __atomic_store_n(word(REQUEST_HEAD), ++sent, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(word(SERVER_SLEEPING), __ATOMIC_SEQ_CST)) {
        __atomic_store_n(word(SERVER_SLEEPING), 0, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, word(SERVER_SLEEPING), FUTEX_WAKE, 1, NULL, NULL, 0);
    }
    /* A short example polls; the Swift client sleeps on its own futex word after 50 µs. */
    while (__atomic_load_n(word(REPLY_HEAD), __ATOMIC_ACQUIRE) != sent) {
        if (__atomic_load_n(word(CLOSED), __ATOMIC_ACQUIRE)) { fprintf(stderr, "the server closed the channel\n"); exit(1); }
        sched_yield();
    }
    unsigned char *reply = region + REQUEST_RING + SLOTS * REQUEST_SLOT + ((sent - 1) % SLOTS) * REPLY_SLOT;
    double value[2];
    memcpy(value, reply + 8, sizeof value);
    switch (reply[0]) {
    case 0: printf("%s = %.17g\n", text, value[0]); break;
    case 1: printf("%s = (%.17g, %.17g)\n", text, value[0], value[1]); break;
    default: printf("%s: error %d: %.*s\n", text, reply[0], reply[1], (const char *)reply + 24);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s SOCKET\n", argv[0]); return 2; }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy(address.sun_path, argv[1], sizeof address.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror(argv[1]); return 1; }
    const char *open_line = "{\"shm\":\"open\"}\n";
    if (write(fd, open_line, strlen(open_line)) < 0) { perror("write"); return 1; }
    char line[512];
    ssize_t got = 0;
    while (got < (ssize_t)sizeof line - 1) {  /* the answer is one line */
        ssize_t n = read(fd, line + got, sizeof line - 1 - got);
        if (n <= 0) { fprintf(stderr, "no answer\n"); return 1; }
        got += n;
        if (line[got - 1] == '\n') break;
    }
    line[got] = 0;
    int version, pid, descriptor;
    if (sscanf(line, "{\"shm\":{\"version\":%d,\"pid\":%d,\"fd\":%d}}", &version, &pid, &descriptor) != 3 || version != 1) {
        fprintf(stderr, "no channel: %s", line);
        return 1;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd/%d", pid, descriptor);
    int memory = open(path, O_RDWR | O_CLOEXEC);
    if (memory < 0) { perror(path); return 1; }
    uint32_t size;
    if (pread(memory, &size, 4, 20) != 4) { perror("pread"); return 1; }
    region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memory, 0);
    if (region == MAP_FAILED) { perror("mmap"); return 1; }
    close(memory);
    const char *mapped_line = "{\"shm\":\"mapped\"}\n";
    if (write(fd, mapped_line, strlen(mapped_line)) < 0) { perror("write"); return 1; }

    call("(1+2j) * (3-4j)", MUL, 2, 1, 2, 3, -4);
    call("(0.1+0j) + (0.2+0j)", ADD, 2, 0.1, 0, 0.2, 0);
    call("sqrt(-4+0j)", SQRT, 1, -4, 0, 0, 0);
    call("(1+0j) / 0j", DIV, 2, 1, 0, 0, 0);
    close(fd);  /* the lifeline: the server frees the channel */
    return 0;
}
