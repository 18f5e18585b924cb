import Foundation

/// Runs `body` with a fresh database and a daemon serving it, and cleans
/// both up afterwards, whatever happens.
func withDaemon<Result>(
    environment: [String: String] = [:],
    _ body: (DaemonProcess, TestDatabase) async throws -> Result
) async throws -> Result {
    let database = try TestDatabase()
    defer { database.drop() }
    let daemon = try await DaemonProcess(databaseURL: database.url, environment: environment)
    defer { daemon.stop() }
    return try await body(daemon, database)
}
