import EventHTTP
import PostgresClient
import ServiceKit

/// The event loop thread and the PostgreSQL connection one run of the
/// command uses; the sender reaches it through `AsyncPostgresConnection`.
///
/// Ownership: owns both; `close()` closes the connection and stops the loop.
final class CommandDatabase: Sendable {
    let loop: EventLoop
    private let connection: PostgresConnection

    private init(loop: EventLoop, connection: PostgresConnection) {
        self.loop = loop
        self.connection = connection
    }

    /// The async face the sender uses.
    var async: AsyncPostgresConnection {
        AsyncPostgresConnection(loop: loop, connection: connection)
    }

    /// Starts a loop thread, connects and prepares `statements`.
    ///
    /// - Throws: `PostgresError`, the last connection error, when the
    ///   connection is not ready within `timeout`.
    static func open(
        url: Secret, statements: [PreparedStatement], timeout: Duration
    ) async throws(PostgresError) -> CommandDatabase {
        let loop: EventLoop
        do {
            loop = try EventLoop()
        } catch {
            throw PostgresError(kind: .connection, operation: "start", message: "\(error)")
        }
        loop.runOnNewThread()
        let options = PostgresConnection.Options(
            connectionString: url.exposedValue, statements: statements)
        let result = await withCheckedContinuation { continuation in
            loop.execute {
                let connection = PostgresConnection(loop: loop, options: options)
                ReadinessWait.start(loop: loop, connection: connection, timeout: timeout) {
                    result in
                    continuation.resume(returning: result.map { connection })
                }
            }
        }
        switch result {
        case .success(let connection):
            return CommandDatabase(loop: loop, connection: connection)
        case .failure(let error):
            loop.stop()
            throw error
        }
    }

    /// Closes the connection and stops the loop thread.
    func close() async {
        let connection = self.connection
        let loop = self.loop
        await withCheckedContinuation { continuation in
            loop.execute {
                connection.close()
                loop.stop()
                continuation.resume()
            }
        }
    }
}

/// Starts a connection and reports once: ready, or the last error when the
/// time is up. Loop thread only; it keeps itself alive until it reports.
private final class ReadinessWait {
    private let connection: PostgresConnection
    private var timer: LoopEvent?
    private var lastError: PostgresError?
    private var report: ((Result<Void, PostgresError>) -> Void)?
    private var keepAlive: ReadinessWait?

    static func start(
        loop: EventLoop, connection: PostgresConnection, timeout: Duration,
        report: @escaping (Result<Void, PostgresError>) -> Void
    ) {
        let wait = ReadinessWait(connection: connection, report: report)
        connection.onStateChange = { [weak wait] state, error in
            wait?.stateChanged(state, error)
        }
        wait.timer = try? LoopEvent.timer(on: loop, after: timeout) { [weak wait] in
            wait?.timedOut()
        }
        connection.start()
    }

    private init(
        connection: PostgresConnection, report: @escaping (Result<Void, PostgresError>) -> Void
    ) {
        self.connection = connection
        self.report = report
        keepAlive = self
    }

    private func stateChanged(_ state: PostgresConnection.State, _ error: PostgresError?) {
        if let error {
            lastError = error
        }
        if state == .ready {
            finish(.success(()))
        }
    }

    private func timedOut() {
        let error =
            lastError
            ?? PostgresError(kind: .connection, operation: "connect", message: "timed out")
        connection.close()
        finish(.failure(error))
    }

    private func finish(_ result: Result<Void, PostgresError>) {
        guard let report else { return }
        self.report = nil
        connection.onStateChange = nil
        timer = nil
        report(result)
        keepAlive = nil
    }
}
