import ComplexWire
import NIOCore
import Synchronization

/// The gRPC listener's connections and their places in the `ActivityMonitor`, by peer:
/// NIO's callbacks see a connection's channel, a call's handler sees only its peer's
/// name (`ServerContext.remotePeer`), so both find the admission by that name.
final class GRPCConnections: Sendable {
    private let activity: ActivityMonitor
    private let admissions = Mutex<[String: ActivityMonitor.Admission]>([:])

    init(activity: ActivityMonitor) {
        self.activity = activity
    }

    /// A connection accepted: admitted and counted out when it closes, or refused and
    /// closed.
    func accept(_ channel: any Channel) {
        let peer = Self.peer(of: channel)
        guard let admission = activity.admit(.grpc, now: SharedMemoryRegion.monotonicNanoseconds(),
                                             close: { channel.close(promise: nil) }) else {
            channel.close(promise: nil)
            return
        }
        admissions.withLock { $0[peer] = admission }
        channel.closeFuture.whenComplete { [self] _ in
            admissions.withLock { if $0[peer] === admission { $0.removeValue(forKey: peer) } }
            admission.closed()
        }
    }

    /// A call opened on `connection`: it is in use now.
    func callOpened(on connection: any Channel) {
        let peer = Self.peer(of: connection)
        admissions.withLock { $0[peer] }?.active(at: SharedMemoryRegion.monotonicNanoseconds())
    }

    /// A call from `peer` was answered (not refused): its connection keeps its place
    /// before connections never answered, as `ConnectionSession.hasBeenServed` says.
    func served(peer: String) {
        admissions.withLock { $0[peer] }?.served()
    }

    /// The peer's name as grpc-swift's NIO transport writes `ServerContext.remotePeer`
    /// (`ipv4:HOST:PORT`, `ipv6:[HOST]:PORT`).
    static func peer(of channel: any Channel) -> String {
        switch channel.remoteAddress {
        case .v4(let address)?: return "ipv4:\(address.host):\(channel.remoteAddress?.port ?? 0)"
        case .v6(let address)?: return "ipv6:[\(address.host)]:\(channel.remoteAddress?.port ?? 0)"
        default: return "<unknown>"
        }
    }
}
