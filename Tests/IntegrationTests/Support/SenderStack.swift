import Foundation
import MpesaCore

/// PostgreSQL, `daraja-sim`, and a daemon whose sender talks to it: the
/// set-up the README walks through, on ephemeral ports.
final class SenderStack: @unchecked Sendable {
    /// The admin API's bearer token.
    static let adminToken = "test-admin-token-0123456789abcdefghijkl"

    let database: TestDatabase
    let simulator: SimulatorProcess
    let daemon: DaemonProcess
    /// What `mpesa-stk` needs: the database and every `DARAJA_*` variable.
    let senderEnvironment: [String: String]
    /// The variables the daemon was started with.
    let daemonEnvironment: [String: String]

    fileprivate init(
        database: TestDatabase, simulator: SimulatorProcess, daemon: DaemonProcess,
        senderEnvironment: [String: String], daemonEnvironment: [String: String]
    ) {
        self.database = database
        self.simulator = simulator
        self.daemon = daemon
        self.senderEnvironment = senderEnvironment
        self.daemonEnvironment = daemonEnvironment
    }

    /// Another daemon on the same database and simulator, with its own
    /// listeners and spool; the caller stops it.
    func startAnotherDaemon() async throws -> DaemonProcess {
        var environment = daemonEnvironment
        environment["MPESA_LISTEN"] = "127.0.0.1:0"
        environment["MPESA_SPOOL_DIR"] = nil
        let daemon = try await DaemonProcess(databaseURL: database.url, environment: environment)
        _ = try await daemon.logs.first(message: "sender database connection ready")
        return daemon
    }

    /// Runs `mpesa-stk` to completion, off the task threads.
    func stk(
        _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String, errors: String) {
        let variables = senderEnvironment.merging(environment) { $1 }
        return try await RawHTTPConnection.perform {
            try ChildProcess.run(
                TestEnvironment.program("mpesa-stk").path, arguments, environment: variables)
        }
    }

    /// Runs `mpesa-stk push` and reads the request it printed.
    func push(
        phone: String, amount: String = "10", reference: String = "INV001",
        environment: [String: String] = [:]
    ) async throws -> (status: Int32, request: JSONObject, errors: String) {
        let result = try await stk(
            ["push", "--phone", phone, "--amount", amount, "--reference", reference],
            environment: environment)
        return (result.status, try jsonObject(result.output), result.errors)
    }

    /// `POST /v1/stk-pushes` with the admin token.
    func pushThroughAPI(_ body: String) async throws -> HTTPClient.Response {
        try await HTTPClient.shared.send(
            "POST", daemon.adminURL("/v1/stk-pushes"), body: Data(body.utf8),
            headers: ["Authorization": "Bearer \(Self.adminToken)"])
    }

    /// The state and result code of the request with `checkoutRequestID`.
    func request(_ checkoutRequestID: String) throws -> (state: String?, resultCode: String?) {
        let row = try database.connect().execute(
            "SELECT state, result_code FROM mpesa.stk_requests WHERE checkout_request_id = $1",
            [.text(checkoutRequestID)]
        ).rows.first
        return (row?[0] ?? nil, row?[1] ?? nil)
    }

    /// Every line the daemon and the simulator wrote.
    var allLogs: [String] {
        daemon.logs.all + simulator.logs.all
    }
}

/// Runs `body` with a fresh database, a simulator and a daemon configured
/// to send through it, and stops them all afterwards.
///
/// - Parameters:
///   - simulatorArguments: extra `daraja-sim` flags.
///   - daemonEnvironment: extra or overriding daemon variables.
func withSenderStack<Result>(
    simulatorArguments: [String] = ["--callback-delay", "1s"],
    daemonEnvironment: [String: String] = [:],
    _ body: (SenderStack) async throws -> Result
) async throws -> Result {
    let database = try TestDatabase()
    defer { database.drop() }
    let simulator = try await SimulatorProcess(arguments: simulatorArguments)
    defer { simulator.stop() }

    // The callback URL names the public listener, so its port is chosen
    // before the daemon starts.
    let publicPort = try freeLoopbackPort()
    let callbackURL =
        "http://127.0.0.1:\(publicPort)/stk/callback/\(DaemonProcess.callbackToken)"
    var sender = SimulatorProcess.credentials
    sender["DARAJA_BASE_URL"] = simulator.baseURL
    sender["DARAJA_CALLBACK_URL"] = callbackURL
    var environment = sender
    environment["MPESA_LISTEN"] = "127.0.0.1:\(publicPort)"
    environment["MPESA_ADMIN_TOKEN"] = SenderStack.adminToken
    environment.merge(daemonEnvironment) { $1 }

    let daemon = try await DaemonProcess(databaseURL: database.url, environment: environment)
    defer { daemon.stop() }
    _ = try await daemon.logs.first(message: "sender database connection ready")

    sender["MPESA_DATABASE_URL"] = database.url
    return try await body(
        SenderStack(
            database: database, simulator: simulator, daemon: daemon, senderEnvironment: sender,
            daemonEnvironment: environment))
}

/// A TCP port on 127.0.0.1 that nothing listens on right now; another
/// socket may take it at any moment after.
func freeLoopbackPort() throws -> Int {
    let socket = try boundLoopbackSocket()
    close(socket.fd)
    return socket.port
}

/// A loopback TCP port held bound but not listening for as long as this
/// lives: a connection to it is refused, and no other socket can take it
/// meanwhile, as one could take a port that was merely free a moment ago
/// (a test's listener that never answers made a push hang instead of fail).
final class ClosedLoopbackPort {
    let port: Int
    private let fd: Int32

    init() throws {
        (fd, port) = try boundLoopbackSocket()
    }

    deinit {
        close(fd)
    }
}

/// A TCP socket bound to an ephemeral port of 127.0.0.1, not listening.
private func boundLoopbackSocket() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSetupError("socket failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        throw TestSetupError("cannot find a free port")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// The JSON object a program printed.
func jsonObject(_ text: String) throws -> JSONObject {
    guard let object = try StrictJSONParser.parse(text, maximumDepth: 4).objectValue else {
        throw TestSetupError("not a JSON object: \(text)")
    }
    return object
}
