import Foundation

/// A real `mpesa-callbackd` process on ephemeral ports, with its log lines.
final class DaemonProcess: @unchecked Sendable {
    /// A callback token that satisfies the length rule.
    static let callbackToken = "test-callback-token-0123456789abcdefghijklmnop"

    let logs = LogLines()
    private(set) var child: ChildProcess?
    /// The spool directory the daemon was given.
    private(set) var spoolDirectory = ""
    private(set) var publicPort: Int = 0
    private(set) var adminPort: Int = 0

    /// Starts the daemon against `databaseURL` and waits until it has bound
    /// both listeners.
    ///
    /// - Parameters:
    ///   - environment: extra or overriding variables.
    ///   - waitForDatabase: also wait until the database connection is ready.
    ///   - passedSockets: listening sockets handed over as systemd does.
    init(
        databaseURL: String, environment: [String: String] = [:], waitForDatabase: Bool = true,
        passedSockets: [ChildProcess.PassedSocket] = []
    ) async throws {
        var variables = [
            "MPESA_DATABASE_URL": databaseURL,
            "MPESA_CALLBACK_TOKEN": Self.callbackToken,
            "MPESA_LISTEN": "127.0.0.1:0",
            "MPESA_ADMIN_LISTEN": "127.0.0.1:0",
            "MPESA_LOG_LEVEL": "info",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        if environment["MPESA_SPOOL_DIR"] == nil {
            variables["MPESA_SPOOL_DIR"] = try Self.makeSpoolDirectory()
        }
        variables.merge(environment) { $1 }
        spoolDirectory = variables["MPESA_SPOOL_DIR"] ?? ""
        child = try ChildProcess.startLogged(
            executable: TestEnvironment.program("mpesa-callbackd").path,
            environment: variables, logs: logs, passedSockets: passedSockets)

        publicPort = try await port(of: "public")
        adminPort = try await port(of: "admin")
        if waitForDatabase {
            _ = try await logs.first(message: "database connection ready")
        }
    }

    /// A fresh directory for a daemon's spool.
    static func makeSpoolDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "mpesa-spool-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func port(of listener: String) async throws -> Int {
        let line = try await logs.first { line in
            LogLines.message(of: line) == "listening"
                && LogLines.field("listener", of: line) == listener
        }
        guard let address = LogLines.field("address", of: line),
            let port = address.split(separator: ":").last.flatMap({ Int($0) })
        else {
            throw TestSetupError("no port in: \(line)")
        }
        return port
    }

    /// The callback URL with the right token.
    var callbackURL: URL {
        URL(string: "http://127.0.0.1:\(publicPort)/stk/callback/\(Self.callbackToken)")!
    }

    /// The callback URL with another token.
    func callbackURL(token: String) -> URL {
        publicURL("/stk/callback/\(token)")
    }

    /// Sends the head of a callback request announcing a body of `length`
    /// bytes, but not the body: a body over the limit is refused before it
    /// is read.
    func postHeadOnly(announcing length: Int) async throws -> HTTPClient.Response {
        let port = publicPort
        let head =
            "POST /stk/callback/\(Self.callbackToken) HTTP/1.1\r\n"
            + "Host: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(length)\r\n\r\n"
        let answer = try await RawHTTPConnection.perform {
            let connection = try RawHTTPConnection(port: port)
            connection.write(head)
            return connection.readResponse()
        }
        guard let answer else { throw TestSetupError("no answer to an oversized request") }
        return HTTPClient.Response(
            status: answer.status, body: Data(answer.body.utf8), headers: [:])
    }

    /// A URL on the public listener.
    func publicURL(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(publicPort)\(path)")!
    }

    /// A URL on the admin listener.
    func adminURL(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(adminPort)\(path)")!
    }

    /// Whether the daemon still runs.
    var isRunning: Bool { child?.isRunning ?? false }

    /// Sends a signal to the process.
    func signal(_ number: Int32) {
        child?.signal(number)
    }

    /// Waits for the process to exit and returns its status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        guard let status = await child?.waitForExit(timeout: timeout) else {
            throw TestSetupError("the daemon did not exit in time")
        }
        return status
    }

    /// Stops the process if it still runs (see `ChildProcess.terminate`).
    func stop() {
        child?.terminate()
    }

    /// A test that fails before it stops its daemon must not leave it
    /// running, still holding its spool and serving a dropped database.
    deinit {
        child?.signal(SIGKILL)
    }
}
