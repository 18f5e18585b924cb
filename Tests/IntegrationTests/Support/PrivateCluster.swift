import Foundation

/// A PostgreSQL cluster of a test's own, for tests that stop and start the
/// server; driven through `deploy/local-postgres`.
final class PrivateCluster: @unchecked Sendable {
    let directory: URL
    private(set) var url = ""

    init() throws {
        directory = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("mpesa-cluster-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try run("start")
        url = try run("url").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stop() throws {
        try run("stop")
    }

    func start() throws {
        try run("start")
    }

    /// Stops the server and removes its files.
    func destroy() {
        _ = try? run("stop")
        try? FileManager.default.removeItem(at: directory)
    }

    @discardableResult
    private func run(_ command: String) throws -> String {
        let script = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/local-postgres")
        let result = try ChildProcess.run(script.path, [command, directory.path])
        guard result.status == 0 else {
            throw TestSetupError("deploy/local-postgres \(command) failed: \(result.errors)")
        }
        return result.output
    }
}
