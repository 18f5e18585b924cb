import CLibPQ
import EventHTTP

/// A non-blocking libpq connection in pipeline mode, driven by an event loop.
///
/// Work is submitted as units: a list of prepared-statement executions that
/// run as one implicit transaction, ended by a pipeline sync. Units are sent
/// at once, without waiting for earlier ones, and each completion is called
/// when its sync comes back, that is once its transaction has committed (or
/// failed). The connection reconnects by itself with backoff and prepares
/// its statements again each time.
///
/// Ownership: owns its `PGconn` (closed on disconnect and in `close()`), the
/// loop events watching its socket, and its timers. Thread rules: created,
/// used and released on the loop thread only; `AsyncPostgresConnection`
/// carries it across threads by hopping to the loop, which is why it is
/// marked `@unchecked Sendable`.
public final class PostgresConnection: @unchecked Sendable {
    /// Where the connection is in its life.
    public enum State: String, Sendable {
        /// Not connected; a reconnect is scheduled unless the connection is closed.
        case disconnected
        /// Connecting or preparing statements.
        case connecting
        /// Accepting work.
        case ready
        /// Closed for good by `close()`.
        case closed
    }

    /// How to reach the server and what to prepare on each connection.
    public struct Options: Sendable {
        /// A libpq connection string or URI; may hold a password, never logged.
        public var connectionString: String
        /// Statements prepared on every new connection before it is ready.
        public var statements: [PreparedStatement]
        /// Gives up a connection attempt after this long.
        public var connectTimeout: Duration
        /// The first delay before reconnecting; it doubles up to `maximumRetryDelay`.
        public var minimumRetryDelay: Duration
        public var maximumRetryDelay: Duration
        /// Resolves host names, off the loop; `HostLookup.run` unless a test
        /// needs a slow or failing resolver.
        public var lookUpHosts: @Sendable ([String]) -> HostLookup

        public init(
            connectionString: String, statements: [PreparedStatement],
            connectTimeout: Duration = .seconds(5),
            minimumRetryDelay: Duration = .milliseconds(100),
            maximumRetryDelay: Duration = .seconds(5),
            lookUpHosts: @escaping @Sendable ([String]) -> HostLookup = HostLookup.run
        ) {
            self.connectionString = connectionString
            self.statements = statements
            self.connectTimeout = connectTimeout
            self.minimumRetryDelay = minimumRetryDelay
            self.maximumRetryDelay = maximumRetryDelay
            self.lookUpHosts = lookUpHosts
        }
    }

    /// A completion: one `PostgresRows` per command, in order.
    public typealias Completion = (Result<[PostgresRows], PostgresError>) -> Void

    private enum Step {
        case prepare(PreparedStatement)
        case execute(PostgresCommand)
    }

    /// Work sent to the server whose sync has not come back yet.
    private final class Unit {
        let stepCount: Int
        var results: [PostgresRows] = []
        var failure: PostgresError?
        let completion: Completion

        init(stepCount: Int, completion: @escaping Completion) {
            self.stepCount = stepCount
            self.completion = completion
        }
    }

    private let loop: EventLoop
    private let options: Options
    /// `options.connectionString` parsed once; a malformed string fails
    /// every attempt with the same error.
    private let parameters: Result<ConnectionParameters, PostgresError>
    /// Counts attempts, so that a host lookup finishing late is ignored.
    private var attempt = 0
    private var connection: OpaquePointer?
    private var readWatcher: LoopEvent?
    private var writeWatcher: LoopEvent?
    private var connectWatcher: LoopEvent?
    private var connectTimer: LoopEvent?
    private var retryTimer: LoopEvent?
    private var retryDelay: Duration
    private var units = FIFOQueue<Unit>()

    /// The current state.
    public private(set) var state: State = .disconnected
    /// Called on every change of state, with the error that caused a
    /// disconnect when there was one.
    public var onStateChange: ((State, PostgresError?) -> Void)?

    /// Creates a connection; call `start()` to connect.
    public init(loop: EventLoop, options: Options) {
        self.loop = loop
        self.options = options
        self.retryDelay = options.minimumRetryDelay
        do throws(PostgresError) {
            parameters = .success(try ConnectionParameters(parsing: options.connectionString))
        } catch {
            parameters = .failure(error)
        }
    }

    deinit {
        tearDown()
    }

    /// Units sent and not yet completed.
    public var pendingUnits: Int { units.count }

    /// Starts connecting; from now on the connection keeps itself up.
    public func start() {
        guard state == .disconnected, retryTimer == nil else { return }
        connect()
    }

    /// Closes the connection for good, failing any pending work.
    public func close() {
        guard state != .closed else { return }
        retryTimer = nil
        failPending(
            PostgresError(
                kind: .connectionLostInFlight, operation: "close", message: "connection closed"))
        tearDown()
        setState(.closed, nil)
    }

    /// Sends `commands` as one transaction and calls `completion` once the
    /// server has committed it or refused it.
    ///
    /// When the connection is not ready the completion is called at once with
    /// an error of kind `.connection`: nothing was sent.
    public func execute(_ commands: [PostgresCommand], completion: @escaping Completion) {
        guard state == .ready, let connection else {
            completion(
                .failure(
                    PostgresError(
                        kind: .connection, operation: "execute", message: "not connected")))
            return
        }
        send(commands.map(Step.execute), on: connection, completion: completion)
    }

    // MARK: Sending and receiving

    private func send(
        _ steps: [Step], on connection: OpaquePointer, completion: @escaping Completion
    ) {
        for step in steps {
            let accepted: Int32
            switch step {
            case .prepare(let statement):
                accepted = PQsendPrepare(connection, statement.name, statement.sql, 0, nil)
            case .execute(let command):
                accepted = LibPQ.withParameters(command.parameters) {
                    count, values, lengths, formats in
                    PQsendQueryPrepared(
                        connection, command.statement.name, count, values, lengths, formats, 0)
                }
            }
            guard accepted == 1 else {
                // libpq refuses to queue only when the connection is broken;
                // without a sync nothing of this unit can have committed.
                refuse(completion, LibPQ.connectionError(connection, operation: "send"))
                return
            }
        }
        guard PQpipelineSync(connection) == 1 else {
            refuse(completion, LibPQ.connectionError(connection, operation: "sync"))
            return
        }
        units.push(Unit(stepCount: steps.count, completion: completion))
        flush()
    }

    private func refuse(_ completion: Completion, _ error: PostgresError) {
        lose(error)
        completion(.failure(error))
    }

    private func flush() {
        guard let connection else { return }
        switch PQflush(connection) {
        case 0:
            writeWatcher?.cancel()
        case 1:
            // The socket is full: send the rest when it drains.
            writeWatcher?.arm()
        default:
            lose(LibPQ.connectionError(connection, operation: "flush"))
        }
    }

    private func readable() {
        guard let connection else { return }
        guard PQconsumeInput(connection) == 1 else {
            lose(LibPQ.connectionError(connection, operation: "read"))
            return
        }
        collectResults(from: connection)
    }

    private func collectResults(from connection: OpaquePointer) {
        // In pipeline mode each statement's results end with a NULL, so one
        // NULL is a separator and two in a row mean nothing more has arrived.
        var previousWasNull = false
        while !units.isEmpty, PQisBusy(connection) == 0 {
            guard let result = PQgetResult(connection) else {
                if previousWasNull { break }
                previousWasNull = true
                continue
            }
            previousWasNull = false
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(result)
                completeFirstUnit()
                // A completion may have closed or replaced the connection.
                guard self.connection == connection else { return }
                continue
            }
            guard let unit = units.first else {
                PQclear(result)
                break
            }
            if LibPQ.isSuccess(status) {
                unit.results.append(LibPQ.rows(of: result))
            } else if status != PGRES_PIPELINE_ABORTED, unit.failure == nil {
                unit.failure = LibPQ.error(of: result, operation: "execute")
            }
            PQclear(result)
        }
    }

    private func completeFirstUnit() {
        guard let unit = units.pop() else { return }
        if let failure = unit.failure {
            unit.completion(.failure(failure))
        } else if unit.results.count != unit.stepCount {
            unit.completion(
                .failure(
                    PostgresError(
                        kind: .statement, operation: "execute",
                        message: "expected \(unit.stepCount) results, got \(unit.results.count)")))
        } else {
            unit.completion(.success(unit.results))
        }
    }

    // MARK: Connecting

    /// Starts an attempt: host names are looked up on a thread of their own
    /// (`PQconnectStart` would block the loop on them), then libpq connects
    /// to the addresses found. The timeout covers both.
    private func connect() {
        retryTimer = nil
        setState(.connecting, nil)
        attempt &+= 1
        connectTimer = try? LoopEvent.timer(on: loop, after: options.connectTimeout) {
            [unowned self] in
            lose(PostgresError(kind: .connection, operation: "connect", message: "timed out"))
        }
        let parameters: ConnectionParameters
        do {
            parameters = try self.parameters.get()
        } catch {
            lose(error)
            return
        }
        let names = parameters.hostNamesToLookUp
        guard !names.isEmpty else {
            startConnecting(parameters)
            return
        }
        let attempt = self.attempt
        let lookUp = options.lookUpHosts
        loop.offload({ lookUp(names) }) { [weak self] lookup in
            // A lookup that outlived its attempt (timed out, closed) is dropped.
            guard let self, self.attempt == attempt, state == .connecting, connection == nil
            else { return }
            do throws(PostgresError) {
                startConnecting(try parameters.resolving(with: lookup))
            } catch {
                lose(error)
            }
        }
    }

    private func startConnecting(_ parameters: ConnectionParameters) {
        let started = parameters.withLibPQArrays { keywords, values in
            PQconnectStartParams(keywords, values, 0)
        }
        guard let connection = started else {
            lose(PostgresError(kind: .connection, operation: "connect", message: "cannot start"))
            return
        }
        // Held before its status is read: a connection that failed at once
        // must still be finished, which `lose` does through `tearDown`.
        self.connection = connection
        guard PQstatus(connection) != CONNECTION_BAD else {
            lose(LibPQ.connectionError(connection, operation: "connect"))
            return
        }
        PQsetNoticeReceiver(connection, { _, _ in }, nil)
        waitForSocket(writable: true)
    }

    private func waitForSocket(writable: Bool) {
        guard let connection else { return }
        let fd = PQsocket(connection)
        do {
            connectWatcher = try LoopEvent.watch(
                fd: fd, on: loop, forWriting: writable, persistent: false
            ) { [unowned self] in
                advanceConnect()
            }
            connectWatcher?.arm()
        } catch {
            lose(PostgresError(kind: .connection, operation: "connect", message: "\(error)"))
        }
    }

    private func advanceConnect() {
        guard let connection else { return }
        switch PQconnectPoll(connection) {
        case PGRES_POLLING_READING:
            waitForSocket(writable: false)
        case PGRES_POLLING_WRITING:
            waitForSocket(writable: true)
        case PGRES_POLLING_OK:
            connected(connection)
        default:
            lose(LibPQ.connectionError(connection, operation: "connect"))
        }
    }

    private func connected(_ connection: OpaquePointer) {
        connectWatcher = nil
        guard PQsetnonblocking(connection, 1) == 0, PQenterPipelineMode(connection) == 1 else {
            lose(LibPQ.connectionError(connection, operation: "enter pipeline mode"))
            return
        }
        let fd = PQsocket(connection)
        do {
            readWatcher = try LoopEvent.watch(fd: fd, on: loop, persistent: true) {
                [unowned self] in
                readable()
            }
            writeWatcher = try LoopEvent.watch(
                fd: fd, on: loop, forWriting: true, persistent: false
            ) { [unowned self] in
                flush()
            }
        } catch {
            lose(PostgresError(kind: .connection, operation: "connect", message: "\(error)"))
            return
        }
        readWatcher?.arm()
        send(options.statements.map(Step.prepare), on: connection) { [unowned self] result in
            switch result {
            case .success:
                connectTimer = nil
                retryDelay = options.minimumRetryDelay
                setState(.ready, nil)
            case .failure(let error):
                lose(error)
            }
        }
    }

    // MARK: Failure and teardown

    /// Drops the connection after `error`, fails pending work and schedules
    /// a reconnect.
    private func lose(_ error: PostgresError) {
        guard state != .closed else { return }
        let inFlight = PostgresError(
            kind: .connectionLostInFlight, operation: error.operation, message: error.message)
        tearDown()
        failPending(inFlight)
        setState(.disconnected, error)
        scheduleRetry()
    }

    private func failPending(_ error: PostgresError) {
        for unit in units.removeAll() {
            unit.completion(.failure(error))
        }
    }

    private func tearDown() {
        readWatcher = nil
        writeWatcher = nil
        connectWatcher = nil
        connectTimer = nil
        if let connection {
            PQfinish(connection)
            self.connection = nil
        }
    }

    private func scheduleRetry() {
        let delay = retryDelay
        retryDelay = min(retryDelay * 2, options.maximumRetryDelay)
        retryTimer = try? LoopEvent.timer(on: loop, after: delay) { [unowned self] in
            connect()
        }
    }

    private func setState(_ new: State, _ error: PostgresError?) {
        guard new != state || error != nil else { return }
        state = new
        onStateChange?(new, error)
    }
}
