import Foundation

/// Checks `condition` every 20 ms until it holds, for states that announce
/// themselves in no log line (a row, a lock wait); throws after `timeout`.
func waitUntil(
    _ what: String, timeout: Duration = .seconds(30), _ condition: () throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            throw TestSetupError("timed out: \(what)")
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}
