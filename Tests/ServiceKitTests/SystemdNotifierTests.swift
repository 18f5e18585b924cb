import Foundation
import Glibc
import ServiceKit
import Testing

@Suite struct SystemdNotifierTests {
    @Test func notificationsReachASocketAtAPath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = try DatagramReceiver(path: directory.path + "/notify")
        defer { receiver.close() }
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.address])

        try notifier.ready()
        try notifier.watchdog()
        try notifier.stopping()
        try notifier.send("EXTEND_TIMEOUT_USEC=5000000")

        #expect(notifier.isEnabled)
        #expect(try receiver.receive() == "READY=1")
        #expect(try receiver.receive() == "WATCHDOG=1")
        #expect(try receiver.receive() == "STOPPING=1")
        #expect(try receiver.receive() == "EXTEND_TIMEOUT_USEC=5000000")
    }

    @Test func notificationsReachAnAbstractSocket() throws {
        let receiver = try DatagramReceiver(abstractName: "servicekit-" + UUID().uuidString)
        defer { receiver.close() }
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.address])

        try notifier.ready()

        #expect(receiver.address.hasPrefix("@"))
        #expect(try receiver.receive() == "READY=1")
    }

    @Test func aStatusCannotAddAssignmentsOfItsOwn() throws {
        let receiver = try DatagramReceiver(abstractName: "servicekit-" + UUID().uuidString)
        defer { receiver.close() }
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.address])

        try notifier.status("spool depth 3\nREADY=1")

        #expect(try receiver.receive() == "STATUS=spool depth 3 READY=1")
    }

    @Test func aReloadCarriesTheMonotonicClock() throws {
        let receiver = try DatagramReceiver(abstractName: "servicekit-" + UUID().uuidString)
        defer { receiver.close() }
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.address])

        try notifier.reloading()

        let lines = try receiver.receive().split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let time = lines.dropFirst().first ?? ""
        #expect(time.hasPrefix("MONOTONIC_USEC="))
        #expect(Int(time.dropFirst("MONOTONIC_USEC=".count)) ?? 0 > 0)
    }

    @Test func withoutNotifySocketEveryCallDoesNothing() throws {
        let notifier = SystemdNotifier.fromEnvironment([:])

        try notifier.ready()
        try notifier.status("idle")
        try notifier.watchdog()

        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogInterval == nil)
    }

    @Test func aMissingSocketIsAnError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": directory.path + "/gone"])

        #expect(throws: SystemCallError(operation: "sendto", errno: ENOENT)) {
            try notifier.ready()
        }
    }

    @Test(
        arguments: [
            ("relative/socket", EAFNOSUPPORT), ("@", EAFNOSUPPORT),
            ("/" + String(repeating: "p", count: 107), EINVAL),
            ("@" + String(repeating: "a", count: 108), EINVAL),
        ])
    func anUnusableNotifySocketIsAnError(variable: String, code: Int32) {
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": variable])

        #expect(notifier.isEnabled)
        #expect(throws: SystemCallError(operation: "NOTIFY_SOCKET", errno: code)) {
            try notifier.ready()
        }
    }

    @Test func theWatchdogIntervalHonoursItsProcess() {
        let ours = String(getpid())
        let interval = { (environment: [String: String]) in
            SystemdNotifier.fromEnvironment(environment).watchdogInterval
        }

        #expect(interval(["WATCHDOG_USEC": "30000000"]) == .seconds(30))
        #expect(interval(["WATCHDOG_USEC": "500", "WATCHDOG_PID": ours]) == .microseconds(500))
        #expect(interval(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "99999999"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "self"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "0"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "soon"]) == nil)
    }
}

/// A bound `AF_UNIX` datagram socket that stands in for systemd's notification socket.
final class DatagramReceiver {
    /// The socket's address as `NOTIFY_SOCKET` spells it.
    let address: String
    private let descriptor: Int32

    convenience init(path: String) throws {
        try self.init(address: path, sunPath: Array(path.utf8) + [0])
    }

    convenience init(abstractName: String) throws {
        try self.init(address: "@" + abstractName, sunPath: [0] + Array(abstractName.utf8))
    }

    private init(address: String, sunPath: [UInt8]) throws {
        self.address = address
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try check(descriptor)

        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: sunPath) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + sunPath.count)
        let bound = withUnsafePointer(to: socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try check(bound)

        // A guard against a broken test hanging forever, not a wait for the datagram:
        // each datagram is sent before receive() is called.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        try check(setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, size))
    }

    /// The next datagram, as text.
    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        try check(Int32(count))
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    func close() {
        Glibc.close(descriptor)
    }
}

private func check(_ result: Int32) throws {
    if result < 0 {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
