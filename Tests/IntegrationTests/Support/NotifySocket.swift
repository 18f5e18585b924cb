import Foundation

/// The datagram socket systemd listens on for `sd_notify` messages, played
/// by a test: a daemon started with `NOTIFY_SOCKET` set to `path` sends its
/// `READY=1`, `STATUS=`, `WATCHDOG=1` and `STOPPING=1` here.
///
/// Each assignment of a message becomes one line of `messages`, in the
/// order they arrived, so a test waits for them as it waits for log lines.
final class NotifySocket: @unchecked Sendable {
    let path: String
    let messages = LogLines()
    private let fd: Int32
    private let directory: String

    init() throws {
        var template = Array("/tmp/mpesa-notify.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestSetupError("mkdtemp failed") }
        directory = String(cString: created)
        path = directory + "/notify"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else {
            Glibc.close(fd)
            throw TestSetupError("bind \(path) failed: \(errno)")
        }
        let reader = fd
        let messages = self.messages
        Thread {
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = recv(reader, &buffer, buffer.count, 0)
                if count < 0 && errno == EINTR { continue }
                // shutdown() in close() ends the wait with 0.
                guard count > 0 else { break }
                messages.append(Data(buffer[..<count] + [UInt8(ascii: "\n")]))
            }
            messages.close()
        }.start()
    }

    /// Stops listening and removes the socket.
    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
        Glibc.close(fd)
        unlink(path)
        rmdir(directory)
    }
}
