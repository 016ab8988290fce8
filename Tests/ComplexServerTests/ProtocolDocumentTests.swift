import ComplexLanguage
import ComplexWire
import Foundation
import Testing

/// docs/PROTOCOL.md's tables say what the code says: the error table `WireErrorCode`
/// (every code, and each one's HTTP status), and the shm channel's tables its layout,
/// statuses and operation codes, so the document cannot drift from the server.
@Suite struct ProtocolDocumentTests {
    static let document = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/PROTOCOL.md")

    @Test func theErrorTableIsTheEnum() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        var table: [String: Int?] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, cells[0].hasPrefix("`"), cells[0].hasSuffix("`"),
                  cells[1] == "—" || Int(cells[1]) != nil else { continue }
            table[String(cells[0].dropFirst().dropLast())] = Int(cells[1])
        }
        #expect(Set(table.keys) == Set(WireErrorCode.allCases.map(\.spelling)))
        for code in WireErrorCode.allCases {
            #expect(table[code.spelling] == code.httpStatus, "\(code.spelling)")
        }
    }

    /// The rows `| A | B | ... |` of the document, as trimmed cells.
    static func rows() throws -> [[String]] {
        try String(contentsOf: document, encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("| ") }
            .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    @Test func theShmOperationCodesAreTheEnumsOrder() throws {
        var codes: [Int: String] = [:]
        for cells in try Self.rows() where cells.count == 2 {
            if let code = Int(cells[0]), cells[1].hasPrefix("`") { codes[code] = String(cells[1].dropFirst().dropLast()) }
        }
        #expect(codes.count == MathOperation.allCases.count)
        for operation in MathOperation.allCases {
            #expect(codes[operation.index] == operation.rawValue, "code \(operation.index)")
        }
    }

    @Test func theShmStatusesAreTheSlotsOwn() throws {
        var statuses: [UInt8: String] = [:]
        for cells in try Self.rows() where cells.count == 2 {
            // The operation-code table has the same shape: its names are operations.
            if let status = UInt8(cells[0]), MathOperation(rawValue: String(cells[1].dropFirst().dropLast())) == nil {
                statuses[status] = cells[1]
            }
        }
        let slot = UnsafeMutableRawPointer.allocate(byteCount: SharedMemoryLayout.replySlotSize, alignment: 64)
        defer { slot.deallocate() }
        for status in SharedMemorySlot.Status.allCases {
            slot.initializeMemory(as: UInt8.self, repeating: 0, count: SharedMemoryLayout.replySlotSize)
            slot.storeBytes(of: status.rawValue, as: UInt8.self)
            switch SharedMemorySlot.readReply(from: slot) {
            case .success(.real): #expect(statuses[status.rawValue] == "a real result in `re`")
            case .success(.complex): #expect(statuses[status.rawValue] == "a complex result")
            case .failure(let error): #expect(statuses[status.rawValue] == "`\(WireErrorCode(error).spelling)`")
            }
        }
        #expect(statuses.count == SharedMemorySlot.Status.allCases.count)
    }

    @Test func theShmLayoutTableIsTheLayout() throws {
        var offsets: [String: Int] = [:]
        for cells in try Self.rows() where cells.count == 3 {
            guard let offset = Int(cells[0].replacingOccurrences(of: ",", with: "")) else { continue }
            offsets[String(cells[2].prefix { $0 != ":" && $0 != "," })] = offset
        }
        let expected: [(String, Int)] = [
            ("magic `0x4D535843` (\"CXSM\")", SharedMemoryLayout.magicOffset),
            ("version", SharedMemoryLayout.versionOffset),
            ("slot count", SharedMemoryLayout.slotCountOffset),
            ("request slot size", SharedMemoryLayout.requestSlotSizeOffset),
            ("reply slot size", SharedMemoryLayout.replySlotSizeOffset),
            ("region size", SharedMemoryLayout.sizeOffset),
            ("`request_head`", SharedMemoryLayout.requestHeadOffset),
            ("`reply_head`", SharedMemoryLayout.replyHeadOffset),
            ("`server_sleeping`", SharedMemoryLayout.serverSleepingOffset),
            ("`client_sleeping`", SharedMemoryLayout.clientSleepingOffset),
            ("`closed`", SharedMemoryLayout.closedOffset),
            ("request ring", SharedMemoryLayout.requestRingOffset),
            ("reply ring", SharedMemoryLayout.replyRingOffset),
        ]
        for (field, offset) in expected {
            #expect(offsets[field] == offset, "\(field)")
        }
        #expect(SharedMemoryLayout.magic == 0x4D53_5843 && SharedMemoryLayout.size == 49_664)
    }
}
