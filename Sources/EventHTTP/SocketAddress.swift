import Glibc

/// Numeric text forms of socket addresses.
enum SocketAddress {
    /// The numeric host and port of an IPv4 or IPv6 socket address.
    static func describe(_ storage: sockaddr_storage) -> HTTPServer.BoundAddress {
        var storage = storage
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let length = socklen_t(
            storage.ss_family == sa_family_t(AF_INET6)
                ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        let status = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo(
                    $0, length, &host, socklen_t(host.count), &service,
                    socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard status == 0 else { return HTTPServer.BoundAddress(host: "unknown", port: 0) }
        let hostText = String(
            decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
            as: UTF8.self)
        let portText = String(
            decoding: service.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
            as: UTF8.self)
        return HTTPServer.BoundAddress(host: hostText, port: UInt16(portText) ?? 0)
    }
}
