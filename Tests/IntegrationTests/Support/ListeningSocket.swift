import Foundation

/// A TCP socket listening on a free loopback port, as a systemd socket unit
/// would hold it, for passing to a daemon.
final class ListeningSocket: @unchecked Sendable {
    let fd: Int32
    private(set) var port = 0

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && listen(fd, 128) == 0
                    && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw TestSetupError("cannot listen on 127.0.0.1: \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        Glibc.close(fd)
    }
}
