import ComplexLanguage
import ComplexServer
import ComplexWire
import Glibc

// The shm channel's region as a hostile client leaves it: arbitrary bytes over the
// request count and the request slots, and an arbitrary count of requests already
// served (so the rings wrap). The server's own step must answer only what a client may
// have written, each answer a reply the client can read, and refuse the rest; the
// client's reply decoder must read any slot without crashing.
let fuzzRegion: SharedMemoryRegion = {
    guard let (region, descriptor) = try? SharedMemoryRegion.create() else { fatalError("fuzz-shm: cannot make a region") }
    _ = close(descriptor)
    return region
}()

func fuzzSharedMemory(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 8 else { return 0 }
    let region = fuzzRegion
    let served = UnsafeRawPointer(data).loadUnaligned(fromByteOffset: 4, as: UInt32.self)
    let ahead = UnsafeRawPointer(data).loadUnaligned(as: UInt32.self)
    region.store(SharedMemoryLayout.requestHeadOffset, served &+ ahead)
    // The rest over the request slots, starting at the next one the server reads.
    let start = SharedMemoryLayout.requestSlotOffset(served) - SharedMemoryLayout.requestRingOffset
    let ring = region.base + SharedMemoryLayout.requestRingOffset
    let ringSize = SharedMemoryLayout.slotCount * SharedMemoryLayout.requestSlotSize
    for index in 8..<size {
        ring.storeBytes(of: data[index], toByteOffset: (start + index - 8) % ringSize, as: UInt8.self)
    }
    let answered = SharedMemoryChannel.answerOnce(region: region, after: served)
    if ahead <= UInt32(SharedMemoryLayout.slotCount) {
        precondition(answered == served &+ ahead, "fuzz-shm: \(ahead) requests waiting, the server answered up to \(String(describing: answered))")
        var index = served
        while index != served &+ ahead {
            if case .failure(.backendFailure(let message)) = SharedMemorySlot.readReply(from: region.replySlot(index)) {
                preconditionFailure("fuzz-shm: the server wrote a reply its clients cannot read: \(message)")
            }
            index &+= 1
        }
        precondition(region.load(SharedMemoryLayout.replyHeadOffset) == served &+ ahead || ahead == 0)
    } else {
        precondition(answered == nil, "fuzz-shm: the server answered a count no client could write")
    }
    // The client's decoder on raw bytes.
    if size >= SharedMemoryLayout.replySlotSize {
        _ = SharedMemorySlot.readReply(from: UnsafeRawPointer(data))
    }
    return 0
}
