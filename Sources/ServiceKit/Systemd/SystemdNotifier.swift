import Foundation
import Glibc

/// Tells systemd about the service's state through `$NOTIFY_SOCKET`, as `sd_notify(3)`
/// does, without linking libsystemd.
///
/// With `Type=notify` in the unit, systemd waits for `ready()` before it counts the
/// service as started. When `WatchdogSec=` is set, call `watchdog()` at least every
/// half `watchdogInterval`. Each notification is one datagram on a fresh `AF_UNIX`
/// socket; when `NOTIFY_SOCKET` is unset, every call does nothing.
///
/// A notifier is a value that any thread may use.
public struct SystemdNotifier: Sendable {
    /// Where notifications go.
    private enum Destination: Sendable {
        /// `NOTIFY_SOCKET` is unset: notifications are dropped.
        case none

        /// The bytes of `sun_path`: a path ending in NUL, or NUL and an abstract name.
        case socket(path: [UInt8])

        /// `NOTIFY_SOCKET` is set but unusable; sending fails with this `errno`.
        case invalid(errno: Int32)
    }

    private let destination: Destination

    /// How often systemd expects `watchdog()`, or `nil` when the watchdog is off or meant
    /// for another process.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`.
    ///
    /// - Parameter environment: the variables to read; the process environment by default.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> SystemdNotifier {
        SystemdNotifier(
            destination: destination(environment["NOTIFY_SOCKET"]),
            watchdogInterval: watchdogInterval(environment))
    }

    private init(destination: Destination, watchdogInterval: Duration?) {
        self.destination = destination
        self.watchdogInterval = watchdogInterval
    }

    /// Whether `NOTIFY_SOCKET` is set, so that notifications go somewhere.
    public var isEnabled: Bool {
        if case .none = destination {
            return false
        }
        return true
    }

    /// Sends `READY=1`: start-up is done and the service is serving.
    public func ready() throws(SystemCallError) {
        try send("READY=1")
    }

    /// Sends `RELOADING=1` with the monotonic time that `Type=notify-reload` expects;
    /// follow it with `ready()` once the reload is done.
    public func reloading() throws(SystemCallError) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        try send("RELOADING=1\nMONOTONIC_USEC=\(microseconds)")
    }

    /// Sends `STOPPING=1`: shutdown has begun.
    public func stopping() throws(SystemCallError) {
        try send("STOPPING=1")
    }

    /// Sends `STATUS=` with `text`, which `systemctl status` shows. Control characters
    /// become spaces, so the text cannot add assignments of its own.
    public func status(_ text: String) throws(SystemCallError) {
        var line = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            line.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        try send("STATUS=" + String(line))
    }

    /// Sends `WATCHDOG=1`: the service is alive.
    public func watchdog() throws(SystemCallError) {
        try send("WATCHDOG=1")
    }

    /// Sends `state`: newline-separated `NAME=value` assignments, as `sd_notify` takes.
    ///
    /// - Throws: `SystemCallError` when the datagram cannot be sent, for example because
    ///   systemd's socket is gone. Nothing is thrown when `NOTIFY_SOCKET` is unset.
    public func send(_ state: String) throws(SystemCallError) {
        let path: [UInt8]
        switch destination {
        case .none:
            return
        case .invalid(let code):
            throw SystemCallError(operation: "NOTIFY_SOCKET", errno: code)
        case .socket(let socketPath):
            path = socketPath
        }

        let descriptor = try retryingSystemCall("socket") {
            socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        defer { close(descriptor) }

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        // sun_path follows the two-byte family; an abstract name's length is significant.
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)

        let message = Array(state.utf8)
        // An event loop sends these: a full receive queue fails with EAGAIN
        // rather than stalling the loop until systemd reads.
        let flags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
        let sent = try retryingSystemCall("sendto") {
            withUnsafePointer(to: address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    message.withUnsafeBytes { bytes in
                        sendto(
                            descriptor, bytes.baseAddress, bytes.count, flags,
                            socketAddress, length)
                    }
                }
            }
        }
        guard sent == message.count else {
            throw SystemCallError(operation: "sendto", errno: EMSGSIZE)
        }
    }

    /// Turns `NOTIFY_SOCKET` into `sun_path` bytes: a path must be absolute, and a
    /// leading `@` means the abstract namespace.
    private static func destination(_ variable: String?) -> Destination {
        guard let variable, !variable.isEmpty else {
            return .none
        }

        let path: [UInt8]
        if variable.hasPrefix("/") {
            path = Array(variable.utf8) + [0]
        } else if variable.hasPrefix("@"), variable.utf8.count > 1 {
            path = [0] + Array(variable.utf8.dropFirst())
        } else {
            return .invalid(errno: EAFNOSUPPORT)
        }

        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard path.count <= capacity else {
            return .invalid(errno: EINVAL)
        }
        return .socket(path: path)
    }

    /// `WATCHDOG_USEC` as a duration, when set, positive, and meant for this process.
    private static func watchdogInterval(_ environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text),
            microseconds > 0
        else {
            return nil
        }

        if let owner = environment["WATCHDOG_PID"] {
            guard let processID = pid_t(owner), processID == getpid() else {
                return nil
            }
        }
        return .microseconds(microseconds)
    }
}
