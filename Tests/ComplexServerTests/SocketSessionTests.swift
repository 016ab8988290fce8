@testable import ComplexServer
import ComplexWire
import Testing

/// The socket protocol without its I/O (`SocketSession`): line framing at the edges of
/// reads and limits, answers in order, one gathered output for a burst of pipelined
/// requests, and the end of the stream.
@Suite struct SocketSessionTests {
    /// Feeds `reads` one by one; the replies, and what the last read left the connection to do.
    func feed(_ reads: [String], limit: Int = 1024, finish: Bool = false) -> (replies: [String], outcome: SessionOutcome) {
        var session = SocketSession(maximumLineLength: limit)
        var output: [UInt8] = []
        var outcome = SessionOutcome.open
        for read in reads {
            outcome = Array(read.utf8).withUnsafeBufferPointer { session.receive($0, into: &output) }
        }
        if finish { session.finish(into: &output) }
        session.close()
        #expect(output.isEmpty || output.last == UInt8(ascii: "\n"))
        return (output.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }, outcome)
    }

    static let add = #"{"op":"add","a":1,"b":2}"#

    @Test func aRequestCutAnywhereIsAnsweredOnceWhole() {
        let line = Self.add + "\n"
        for cut in 0...line.utf8.count {
            let bytes = Array(line.utf8)
            let reads = [String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self)]
            #expect(feed(reads).replies == [#"{"result":3}"#], "cut at \(cut)")
        }
        // Three reads, the middle one without a newline.
        #expect(feed([#"{"op":"neg","#, #""a":"#, "4}\n" + Self.add + "\n"]).replies == [#"{"result":-4}"#, #"{"result":3}"#])
    }

    /// A request's `id` comes back in its reply byte for byte, errors included; a
    /// request without one is answered as before (the demo's clients send none).
    @Test func theRequestsIDIsEchoed() {
        let (replies, _) = feed([
            #"{"op":"add","a":1,"b":2,"id":7}"# + "\n",
            #"{"id":"abc-\"1\"","op":"div","a":1,"b":0}"# + "\n",
            #"{"op":"frobnicate","a":1,"id":-2.5e3}"# + "\n",
            Self.add + "\n",
            #"{"op":"neg","a":1,"id":{"no":1}}"# + "\n",
            #"{"op":"neg","a":1,"id":""# + String(repeating: "x", count: 63) + #""}"# + "\n",
            #"{"op":"neg","a":1,"id":1,"id":2}"# + "\n",
        ])
        #expect(replies.count == 7)
        guard replies.count == 7 else { return }
        #expect(replies[0] == #"{"result":3,"id":7}"#)
        #expect(replies[1].hasPrefix(#"{"error":{"code":"division_by_zero""#) && replies[1].hasSuffix(#","id":"abc-\"1\""}"#))
        #expect(replies[2].hasPrefix(#"{"error":{"code":"unknown_operation""#) && replies[2].hasSuffix(#","id":-2.5e3}"#))
        #expect(replies[3] == #"{"result":3}"#)
        #expect(replies[4].hasPrefix(#"{"error":{"code":"bad_arguments","message":"\"id\" must be a number or a string"#), "\(replies[4])")
        #expect(replies[5].hasPrefix(#"{"error":{"code":"bad_arguments","message":"\"id\" is 65 bytes long; at most 64"#), "\(replies[5])")
        #expect(replies[6].hasPrefix(#"{"error":{"code":"bad_json","message":"bad JSON: the key \"id\" appears twice"#), "\(replies[6])")
    }

    @Test func aBurstOfRequestsIsAnsweredInOrderInOneOutput() {
        var burst = ""
        for i in 0..<50 { burst += #"{"op":"add","a":\#(i),"b":1}"# + "\n" }
        burst += "not json\n"
        let (lines, outcome) = feed([burst])
        #expect(outcome == .open)
        #expect(lines.count == 51)
        #expect(lines.first == #"{"result":1}"#)
        #expect(lines[49] == #"{"result":50}"#)
        #expect(lines.last?.contains(#""code":"bad_json""#) == true)
    }

    @Test func aLastLineWithoutItsNewlineIsAnsweredAtTheEndUnlessBlank() {
        #expect(feed([Self.add], finish: true).replies == [#"{"result":3}"#])
        #expect(feed([Self.add + "\n \t\r"], finish: true).replies == [#"{"result":3}"#])
        #expect(feed([Self.add]).replies == [])
    }

    @Test func aLineOverTheLimitIsAnsweredAfterTheLinesBeforeItAndEndsTheStream() {
        let (lines, outcome) = feed([Self.add + "\n" + String(repeating: "x", count: 41) + "\n" + Self.add + "\n"], limit: 40)
        #expect(outcome == .hangUp)
        #expect(lines.count == 2)
        #expect(lines.first == #"{"result":3}"#)
        #expect(lines.last?.contains(#""code":"line_too_long""#) == true)
        // Exactly the limit is a line.
        #expect(feed([String(repeating: " ", count: 16) + Self.add + "\n"], limit: Self.add.utf8.count + 16).replies == [#"{"result":3}"#])
        // Nothing is answered after it, not even at the end of the stream.
        let after = feed([String(repeating: "x", count: 41) + "\n", Self.add + "\n"], limit: 40, finish: true)
        #expect(after.replies.count == 1 && after.outcome == .hangUp)
    }

    @Test func aPartialLineOverTheLimitIsRefusedBeforeItsNewline() {
        let (lines, outcome) = feed([String(repeating: "x", count: 30), String(repeating: "x", count: 11)], limit: 40)
        #expect(outcome == .hangUp)
        #expect(lines.count == 1 && lines[0].contains(#""code":"line_too_long""#))
        #expect(feed([String(repeating: "x", count: 30), String(repeating: "x", count: 10)], limit: 40).outcome == .open)
    }

    @Test func theShmHandshakeLinesAreAnsweredWhereNoChannelsAreOffered() {
        let open = String(decoding: SharedMemoryHandshake.openLine, as: UTF8.self)
        let mapped = String(decoding: SharedMemoryHandshake.mappedLine, as: UTF8.self)
        let lines = feed([open + "\n" + mapped + "\n" + Self.add + "\n"]).replies
        #expect(lines.count == 3)
        #expect(lines[0].contains(#""code":"too_many_channels""#))
        #expect(lines[1].contains(#""code":"bad_request""#))
        #expect(lines[2] == #"{"result":3}"#)
    }
}
