import Foundation

/// A plain TCP connection for HTTP exchanges that URLSession cannot make:
/// sending only the head of a request, trickling bytes, holding a socket
/// open. Blocking calls; use from a thread or through `perform`.
final class RawHTTPConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects to `127.0.0.1:port`.
    ///
    /// - Parameter sourceAddress: the local address to connect from, such as
    ///   `127.0.0.2`: any address in 127.0.0.0/8 works without setup.
    init(port: Int, from sourceAddress: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket failed") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        if let sourceAddress {
            guard Self.call(bind, fd, sourceAddress, port: 0) == 0 else {
                close(fd)
                throw TestSetupError("bind to \(sourceAddress) failed: \(errno)")
            }
        }
        guard Self.call(connect, fd, "127.0.0.1", port: port) == 0 else {
            close(fd)
            throw TestSetupError("connect failed: \(errno)")
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
    }

    /// Calls `bind` or `connect` on `fd` with an IPv4 address and port.
    private static func call(
        _ function: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32, _ fd: Int32,
        _ host: String, port: Int
    ) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                function(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// Writes all of `bytes`; false when the peer has closed.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    func write(_ text: String) -> Bool {
        write(Array(text.utf8))
    }

    /// Reads one response head and its `Content-Length` body; nil when the
    /// connection closes first.
    func readResponse() -> (status: Int, headers: String, body: String)? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap {
                        Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
                    }
                    ?? 0
                while received.count - end.upperBound < length {
                    let count = recv(fd, &buffer, buffer.count, 0)
                    guard count > 0 else { break }
                    received.append(contentsOf: buffer[..<count])
                }
                let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                let body = String(decoding: received[end.upperBound...], as: UTF8.self)
                return (status, head, body)
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            received.append(contentsOf: buffer[..<count])
        }
    }

    /// Waits until the peer closes the connection, reading and discarding what
    /// it sends; false when the receive timeout (30 s) passes first.
    func waitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count > 0 { continue }
            return count == 0 || errno == ECONNRESET
        }
    }

    /// Whether a read would not block now: data or the end of the stream is there.
    var isReadable: Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Runs blocking work off the task threads.
    static func perform<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
