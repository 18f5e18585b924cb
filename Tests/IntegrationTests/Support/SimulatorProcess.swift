import Foundation

/// A real `daraja-sim` on an ephemeral port, with its log lines.
final class SimulatorProcess: @unchecked Sendable {
    /// The app's credentials, given to the simulator and to the sender alike.
    static let credentials = [
        "DARAJA_CONSUMER_KEY": "sim-consumer-key-4f1c",
        "DARAJA_CONSUMER_SECRET": "sim-consumer-secret-9d27",
        "DARAJA_SHORTCODE": "174379",
        "DARAJA_PASSKEY": "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
    ]

    let logs = LogLines()
    private(set) var child: ChildProcess?
    private(set) var port = 0

    /// Starts the simulator and waits until it listens.
    ///
    /// - Parameter arguments: extra flags, such as `--callback-delay 1s`.
    init(arguments: [String] = []) async throws {
        var variables = Self.credentials
        variables["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        child = try ChildProcess.startLogged(
            executable: TestEnvironment.program("daraja-sim").path,
            arguments: ["--listen", "127.0.0.1:0"] + arguments, environment: variables,
            logs: logs)
        let line = try await logs.first(message: "listening")
        guard let address = LogLines.field("address", of: line),
            let port = address.split(separator: ":").last.flatMap({ Int($0) })
        else {
            throw TestSetupError("no port in: \(line)")
        }
        self.port = port
    }

    /// What `DARAJA_BASE_URL` is set to.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Invalidates the current access token, as another process fetching
    /// one with the same key would.
    func invalidateToken() async throws {
        let url = try requireURL("\(baseURL)/simulator/invalidate-token")
        let response = try await HTTPClient.shared.send("POST", url)
        guard response.status == 200 else {
            throw TestSetupError("invalidate-token answered \(response.status)")
        }
    }

    /// How many lines so far have the message `message`.
    func count(_ message: String, where predicate: (String) -> Bool = { _ in true }) -> Int {
        logs.all.filter { LogLines.message(of: $0) == message && predicate($0) }.count
    }

    /// Waits until the simulator has posted the callback of `checkoutRequestID`
    /// `times` times and the receiver answered 200: the record is durable.
    func callbackDelivered(_ checkoutRequestID: String, times: Int = 1) async throws {
        let line = try await logs.first { line in
            LogLines.message(of: line) == "callback delivered"
                && LogLines.field("checkout_request_id", of: line) == checkoutRequestID
                && LogLines.field("attempt", of: line) == String(times)
        }
        guard LogLines.field("status", of: line) == "200" else {
            throw TestSetupError("the receiver answered: \(line)")
        }
    }

    /// Stops the process if it still runs.
    func stop() {
        child?.terminate()
    }
}

/// A URL from text that a test wrote, or a setup error.
func requireURL(_ text: String) throws -> URL {
    guard let url = URL(string: text) else { throw TestSetupError("not a URL: \(text)") }
    return url
}
