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
package enum SharedMemoryLayout {
    /// "CXSM" read as a little-endian word.
    package static let magic: UInt32 = 0x4D53_5843
    package static let version: UInt32 = 1
    package static let slotCount = 256
    package static let requestSlotSize = 64
    package static let replySlotSize = 128

    // The header, written once by the server before the client maps the region.
    package static let magicOffset = 0
    package static let versionOffset = 4
    package static let slotCountOffset = 8
    package static let requestSlotSizeOffset = 12
    package static let replySlotSizeOffset = 16
    package static let sizeOffset = 20

    /// Requests written so far, modulo 2³²: written by the client only.
    package static let requestHeadOffset = 64
    /// Replies written so far, modulo 2³²: written by the server only.
    package static let replyHeadOffset = 128
    /// 1 while the server sleeps (futex word): the client wakes it after publishing.
    package static let serverSleepingOffset = 192
    /// 1 while the client sleeps (futex word): the server wakes it after publishing.
    package static let clientSleepingOffset = 256
    /// 1 once the server has given the channel up: a client sees it before it sends.
    package static let closedOffset = 320

    package static let requestRingOffset = 512
    package static let replyRingOffset = requestRingOffset + slotCount * requestSlotSize
    /// The whole region: 49,664 bytes.
    package static let size = replyRingOffset + slotCount * replySlotSize

    package static func requestSlotOffset(_ index: UInt32) -> Int {
        requestRingOffset + Int(index % UInt32(slotCount)) * requestSlotSize
    }

    package static func replySlotOffset(_ index: UInt32) -> Int {
        replyRingOffset + Int(index % UInt32(slotCount)) * replySlotSize
    }
}
