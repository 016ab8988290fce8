import ComplexLanguage

/// The shm channel's region (docs/PROTOCOL.md, "Shared memory"): a header, four
/// control words each on its own cache line, a ring of request slots and a ring of
/// reply slots. Little-endian, as the machines that share it.
///
/// Request `i` (counting from 0, modulo 2³²) goes in request slot `i % slotCount`, and
/// its reply in reply slot `i % slotCount`. The client publishes how many requests it
/// has written (`requestHead`), the server how many it has answered (`replyHead`); the
/// client never has more than `slotCount` unanswered, so neither side ever overwrites
/// a slot the other has yet to read.
public enum SharedMemoryLayout {
    /// "CXSM" read as a little-endian word.
    public static let magic: UInt32 = 0x4D53_5843
    public static let version: UInt32 = 1
    public static let slotCount = 256
    public static let requestSlotSize = 64
    public static let replySlotSize = 128

    // The header, written once by the server before the client maps the region.
    public static let magicOffset = 0
    public static let versionOffset = 4
    public static let slotCountOffset = 8
    public static let requestSlotSizeOffset = 12
    public static let replySlotSizeOffset = 16
    public static let sizeOffset = 20

    /// Requests written so far, modulo 2³²: written by the client only.
    public static let requestHeadOffset = 64
    /// Replies written so far, modulo 2³²: written by the server only.
    public static let replyHeadOffset = 128
    /// 1 while the server sleeps (futex word): the client wakes it after publishing.
    public static let serverSleepingOffset = 192
    /// 1 while the client sleeps (futex word): the server wakes it after publishing.
    public static let clientSleepingOffset = 256
    /// 1 once the server has given the channel up: a client sees it before it sends.
    public static let closedOffset = 320

    public static let requestRingOffset = 512
    public static let replyRingOffset = requestRingOffset + slotCount * requestSlotSize
    /// The whole region: 49,664 bytes.
    public static let size = replyRingOffset + slotCount * replySlotSize

    public static func requestSlotOffset(_ index: UInt32) -> Int {
        requestRingOffset + Int(index % UInt32(slotCount)) * requestSlotSize
    }

    public static func replySlotOffset(_ index: UInt32) -> Int {
        replyRingOffset + Int(index % UInt32(slotCount)) * replySlotSize
    }
}
