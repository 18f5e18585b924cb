import Foundation
import Locking

/// Many connections that each send a request head one byte at a time and
/// never finish it, as a slowloris attack does, reconnecting whenever the
/// server drops one so that `count` stay open. Runs on a thread of its own.
final class SlowClients: @unchecked Sendable {
    private struct State {
        var isStopped = false
        var opened = 0
        var reconnected = 0
        var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    private let port: Int
    private let count: Int
    private let head: [UInt8]
    private let interval: Duration
    private let state = Locked(State())
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - count: the connections to keep open.
    ///   - path: the request target the heads name.
    ///   - interval: the time between two bytes on one connection.
    init(port: Int, count: Int, path: String, interval: Duration = .milliseconds(100)) {
        self.port = port
        self.count = count
        self.interval = interval
        // The last header never ends: its value grows by one byte a turn.
        head = Array("POST \(path) HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".utf8)
    }

    /// Connections the server dropped, seen as a failed send, and replaced.
    var reconnections: Int { state.withLock { $0.reconnected } }

    /// Starts the thread that connects and trickles.
    func start() {
        Thread { [self] in
            run()
            finished.signal()
        }.start()
    }

    /// Returns once `count` connections have been opened (replacements count).
    func waitUntilOpened(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let isDone = state.withLock { state in
                guard state.opened < count else { return true }
                state.waiter = (count, continuation)
                return false
            }
            if isDone {
                continuation.resume()
            }
        }
    }

    /// Stops trickling and closes every connection.
    func stop() {
        state.withLock { $0.isStopped = true }
        finished.wait()
    }

    private func run() {
        var sockets: [(connection: RawHTTPConnection, sent: Int)?] = Array(
            repeating: nil, count: count)
        while !state.withLock({ $0.isStopped }) {
            for index in sockets.indices {
                if let (connection, sent) = sockets[index] {
                    let byte = sent < head.count ? head[sent] : UInt8(ascii: "a")
                    if connection.write([byte]) {
                        sockets[index] = (connection, sent + 1)
                        continue
                    }
                    sockets[index] = nil
                    state.withLock { $0.reconnected += 1 }
                }
                // From an address of their own: their thousands of local ports,
                // some left in TIME_WAIT, then never collide with a port that a
                // test's PostgreSQL cluster wants on 127.0.0.1.
                if let connection = try? RawHTTPConnection(port: port, from: "127.0.0.7") {
                    sockets[index] = (connection, 0)
                    opened()
                }
            }
            // The attack's pace, not a wait for something: one byte per turn.
            let (seconds, attoseconds) = interval.components
            Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
        }
    }

    private func opened() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.opened += 1
            guard let waiter = state.waiter, state.opened >= waiter.count else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
