import CSharedMemory
import Glibc

/// One mapping of a shm channel's region (`SharedMemoryLayout`), with the atomic and
/// futex operations on its control words.
///
/// The region is a sealed memfd: it has no name on any file system, and its size is
/// fixed, so neither side can shrink it under the other. The server creates it; the
/// client opens the server's descriptor through `/proc/PID/fd/N`, which the kernel
/// allows only to processes that may inspect the server (its own user), during the
/// handshake, after which the server closes the descriptor.
package final class SharedMemoryRegion: @unchecked Sendable {
    /// The mapping's first byte. Shared with another process: read what it wrote only
    /// through `load` after the word that publishes it.
    package let base: UnsafeMutableRawPointer

    init(base: UnsafeMutableRawPointer) {
        self.base = base
    }

    deinit { munmap(base, SharedMemoryLayout.size) }

    /// A new region with its header written, and the descriptor a client opens it by;
    /// the caller closes the descriptor once the client has mapped the region.
    package static func create() throws(SharedMemoryError) -> (region: SharedMemoryRegion, descriptor: Int32) {
        let fd = cx_memfd_create("complex-repl-shm")
        guard fd >= 0 else { throw .errno("memfd_create") }
        guard ftruncate(fd, off_t(SharedMemoryLayout.size)) == 0 else { let e = SharedMemoryError.errno("ftruncate"); close(fd); throw e }
        guard cx_seal_size(fd) == 0 else { let e = SharedMemoryError.errno("fcntl(F_ADD_SEALS)"); close(fd); throw e }
        let region: SharedMemoryRegion
        do throws(SharedMemoryError) {
            region = try map(fd)
        } catch {
            close(fd)
            throw error
        }
        let header: [(Int, UInt32)] = [
            (SharedMemoryLayout.magicOffset, SharedMemoryLayout.magic),
            (SharedMemoryLayout.versionOffset, SharedMemoryLayout.version),
            (SharedMemoryLayout.slotCountOffset, UInt32(SharedMemoryLayout.slotCount)),
            (SharedMemoryLayout.requestSlotSizeOffset, UInt32(SharedMemoryLayout.requestSlotSize)),
            (SharedMemoryLayout.replySlotSizeOffset, UInt32(SharedMemoryLayout.replySlotSize)),
            (SharedMemoryLayout.sizeOffset, UInt32(SharedMemoryLayout.size)),
        ]
        for (offset, value) in header { region.base.storeBytes(of: value, toByteOffset: offset, as: UInt32.self) }
        return (region, fd)
    }

    /// Maps the region the server at `pid` holds as descriptor `descriptor`, and checks
    /// that it has this version's layout.
    package static func open(pid: Int32, descriptor: Int32) throws(SharedMemoryError) -> SharedMemoryRegion {
        let path = "/proc/\(pid)/fd/\(descriptor)"
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw .errno("open \(path)") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .errno("fstat \(path)") }
        // A smaller file would turn the first access past its end into SIGBUS.
        guard status.st_size == off_t(SharedMemoryLayout.size) else {
            throw .layoutMismatch("\(status.st_size) bytes, not \(SharedMemoryLayout.size)")
        }
        let region = try map(fd)
        let magic = region.base.load(fromByteOffset: SharedMemoryLayout.magicOffset, as: UInt32.self)
        let version = region.base.load(fromByteOffset: SharedMemoryLayout.versionOffset, as: UInt32.self)
        guard magic == SharedMemoryLayout.magic, version == SharedMemoryLayout.version,
              region.base.load(fromByteOffset: SharedMemoryLayout.slotCountOffset, as: UInt32.self) == UInt32(SharedMemoryLayout.slotCount),
              region.base.load(fromByteOffset: SharedMemoryLayout.requestSlotSizeOffset, as: UInt32.self) == UInt32(SharedMemoryLayout.requestSlotSize),
              region.base.load(fromByteOffset: SharedMemoryLayout.replySlotSizeOffset, as: UInt32.self) == UInt32(SharedMemoryLayout.replySlotSize)
        else {
            throw .layoutMismatch("magic \(magic), version \(version); this client speaks version \(SharedMemoryLayout.version)")
        }
        return region
    }

    static func map(_ fd: Int32) throws(SharedMemoryError) -> SharedMemoryRegion {
        guard let base = mmap(nil, SharedMemoryLayout.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
              base != MAP_FAILED else { throw .errno("mmap") }
        return SharedMemoryRegion(base: base)
    }

    @inline(__always)
    func word(_ offset: Int) -> UnsafeMutablePointer<UInt32> {
        (base + offset).assumingMemoryBound(to: UInt32.self)
    }

    /// The control word at `offset` (a `SharedMemoryLayout` offset), with everything the
    /// other side wrote before publishing it.
    @inline(__always)
    package func load(_ offset: Int) -> UInt32 { cx_load_acquire(word(offset)) }

    /// Publishes `value` at `offset`, after everything this side wrote before.
    @inline(__always)
    package func store(_ offset: Int, _ value: UInt32) { cx_store_release(word(offset), value) }

    /// Publishes `value`, then fences, so a load that follows sees what the other
    /// side published before it saw this.
    @inline(__always)
    package func storeFenced(_ offset: Int, _ value: UInt32) { cx_store_fenced(word(offset), value) }

    /// A full fence, between publishing a head and checking whether the other side sleeps.
    @inline(__always)
    package static func fence() { cx_fence() }

    /// Polls the word at `offset` until it is no longer `value`, for at most
    /// `nanoseconds`: its new value, or nil when the time ran out. Between polls it
    /// hints the CPU, and it yields every 1,024 polls: on two vCPUs the other side may
    /// be queued on this very CPU, and a poller that never yields keeps it waiting.
    @inline(__always)
    package func poll(_ offset: Int, whileEqualTo value: UInt32, nanoseconds: UInt64) -> UInt32? {
        var current = load(offset)
        if current != value { return current }
        let start = Self.monotonicNanoseconds()
        var polls: UInt32 = 0
        repeat {
            cx_spin_pause()
            current = load(offset)
            if current != value { return current }
            polls &+= 1
            if polls & 1023 == 0 { sched_yield() }
        } while polls & 63 != 0 || Self.monotonicNanoseconds() - start < nanoseconds
        return nil
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    package static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Sleeps while the word at `offset` is `expected`, at most `nanoseconds` (negative:
    /// until woken). Returns early for any wake, signal or change.
    package func wait(_ offset: Int, while expected: UInt32, nanoseconds: Int64) {
        _ = cx_futex_wait(word(offset), expected, nanoseconds)
    }

    /// Wakes the side sleeping on the word at `offset`.
    package func wake(_ offset: Int) {
        _ = cx_futex_wake(word(offset))
    }

    /// The request slot for request number `index`.
    @inline(__always)
    package func requestSlot(_ index: UInt32) -> UnsafeMutableRawPointer { base + SharedMemoryLayout.requestSlotOffset(index) }

    /// The reply slot for request number `index`.
    @inline(__always)
    package func replySlot(_ index: UInt32) -> UnsafeMutableRawPointer { base + SharedMemoryLayout.replySlotOffset(index) }
}
