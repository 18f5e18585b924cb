import Foundation
import Locking

/// Collects a child process's log lines and lets a test wait for the one it
/// expects, instead of sleeping.
final class LogLines: Sendable {
    private struct State {
        var lines: [String] = []
        var partial: [UInt8] = []
        var waiters:
            [(
                id: Int, predicate: @Sendable (String) -> Bool,
                continuation: CheckedContinuation<String, any Error>
            )] = []
        var nextWaiterID = 0
        var isClosed = false
        var isReadingPaused = false
    }

    private let state = Locked(State())

    /// Every complete line so far.
    var all: [String] { state.withLock { $0.lines } }

    /// Stops the reader of the pipe until `resumeReading()`, as a stalled
    /// journald would: the pipe fills and the process's writes find no room.
    func pauseReading() {
        state.withLock { $0.isReadingPaused = true }
    }

    func resumeReading() {
        state.withLock { $0.isReadingPaused = false }
    }

    /// Called by the reader before each read; returns once reading is not paused.
    func waitWhileReadingIsPaused() {
        while state.withLock({ $0.isReadingPaused }) {
            usleep(10_000)
        }
    }

    /// Feeds bytes read from the pipe.
    func append(_ data: Data) {
        var ready: [(CheckedContinuation<String, any Error>, String)] = []
        state.withLock { state in
            state.partial.append(contentsOf: data)
            while let newline = state.partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: state.partial[..<newline], as: UTF8.self)
                state.partial.removeSubrange(...newline)
                state.lines.append(line)
                state.waiters.removeAll { waiter in
                    guard waiter.predicate(line) else { return false }
                    ready.append((waiter.continuation, line))
                    return true
                }
            }
        }
        for (continuation, line) in ready {
            continuation.resume(returning: line)
        }
    }

    /// Marks the end of output; waiters still waiting fail.
    func close() {
        let waiters = state.withLock { state in
            state.isClosed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters {
            waiter.continuation.resume(
                throwing: TestSetupError(
                    "the process ended before logging the expected line"))
        }
    }

    /// Returns the first line (already seen or still to come) that matches,
    /// or throws once `timeout` has passed.
    ///
    /// - Parameter startIndex: lines before this index are not considered;
    ///   pass `all.count` to wait for a line that has not been written yet.
    func first(
        from startIndex: Int = 0, timeout: Duration = .seconds(20),
        where predicate: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let deadline = Task {
            try await Task.sleep(for: timeout)
            self.expire(id)
        }
        defer { deadline.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let found: String?? = state.withLock { state in
                let candidates = state.lines.dropFirst(startIndex)
                if let line = candidates.first(where: predicate) { return .some(line) }
                if state.isClosed { return .some(nil) }
                state.waiters.append((id, predicate, continuation))
                return nil
            }
            switch found {
            case .some(.some(let line)): continuation.resume(returning: line)
            case .some(.none):
                continuation.resume(throwing: TestSetupError("the process has ended"))
            case .none: break
            }
        }
    }

    /// The first line whose message is `message`.
    func first(
        message: String, from startIndex: Int = 0, timeout: Duration = .seconds(20)
    ) async throws -> String {
        try await first(from: startIndex, timeout: timeout) { LogLines.message(of: $0) == message }
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state in
            state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
        }
        waiter?.continuation.resume(throwing: TestSetupError("timed out waiting for a log line"))
    }

    /// The `msg` of a line such as `<6>msg="listening" address=127.0.0.1:80`.
    static func message(of line: String) -> String? {
        field("msg", of: line)
    }

    /// The value of `key=value` or `key="value"` in a line, unescaped.
    static func field(_ key: String, of line: String) -> String? {
        guard let range = line.range(of: " \(key)=") ?? line.range(of: ">\(key)=") else {
            return nil
        }
        var rest = line[range.upperBound...]
        guard rest.first == "\"" else {
            return String(rest.prefix { $0 != " " })
        }
        rest = rest.dropFirst()
        var value = ""
        var escaped = false
        for character in rest {
            if escaped {
                value.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                value.append(character)
            }
        }
        return value
    }
}
