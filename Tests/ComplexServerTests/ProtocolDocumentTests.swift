import ComplexWire
import Foundation
import Testing

/// docs/PROTOCOL.md's error table says what `WireErrorCode` says: every code, and
/// each one's HTTP status, so the document cannot drift from the server.
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
        #expect(Set(table.keys) == Set(WireErrorCode.allCases.map(\.rawValue)))
        for code in WireErrorCode.allCases {
            #expect(table[code.rawValue] == code.httpStatus, "\(code.rawValue)")
        }
    }
}
