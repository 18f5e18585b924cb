import CallbackStore
import EventHTTP
import Glibc
import MpesaCore
import PostgresClient
import ServiceKit

/// The running daemon: one event loop serving the public and admin
/// listeners, one PostgreSQL connection with group commit, and the signal
/// handling that stops it gracefully.
///
/// Start-up order: bind both listeners (a failure is fatal), install signal
/// handlers, apply migrations on a side thread, then connect. Stop order on
/// SIGTERM or SIGINT: close the listeners, let requests in flight finish (up
/// to the grace period), close the database connection, return. A second
/// signal exits at once.
///
/// Ownership: owns the loop and everything on it. Thread rules: `run()` is
/// called once, on the thread that becomes the loop thread.
public final class Daemon {
    private let configuration: DaemonConfiguration
    private let logger: Logger
    private let loop: EventLoop
    private let database: PostgresConnection
    /// A second connection for the read API, so that readers never queue in
    /// front of the callbacks being written.
    private let readDatabase: PostgresConnection
    private let recorder: CallbackRecorder
    private var durable: DurableRecorder?
    private var drainTimer: LoopEvent?
    private let migrations: SchemaMigrationRunner
    private var callbackEndpoint: CallbackEndpoint?
    private var adminRouter: AdminRouter?
    private var publicServer: HTTPServer?
    private var adminServer: HTTPServer?
    private var signalEvents: [LoopEvent] = []
    private var graceTimer: LoopEvent?
    private var isStopping = false
    private var exitCode = ExitCode.success

    /// Prepares the daemon; nothing is bound or connected until `run()`.
    public init(configuration: DaemonConfiguration, logger: Logger) throws(EventError) {
        self.configuration = configuration
        self.logger = logger
        loop = try EventLoop()
        database = PostgresConnection(
            loop: loop,
            options: PostgresConnection.Options(
                connectionString: configuration.databaseURL.exposedValue,
                statements: CallbackRecorder.statements))
        readDatabase = PostgresConnection(
            loop: loop,
            options: PostgresConnection.Options(
                connectionString: configuration.databaseURL.exposedValue,
                statements: ReadStatements.all))
        recorder = CallbackRecorder(
            loop: loop, connection: database,
            options: CallbackRecorder.Options(
                maximumBatchSize: configuration.maximumBatchSize,
                deadline: configuration.commitDeadline))
        migrations = SchemaMigrationRunner(databaseURL: configuration.databaseURL, logger: logger)
    }

    /// Runs until stopped by a signal.
    ///
    /// - Returns: the process exit code.
    public func run() -> ExitCode {
        do {
            let spool = try openSpool()
            durable = DurableRecorder(loop: loop, recorder: recorder, spool: spool, logger: logger)
            try startListeners()
            try installSignalHandlers()
        } catch {
            logger.critical("cannot start", [.error: "\(error)"])
            return .failure
        }
        // A drain starts when the database comes back; this timer covers
        // the pauses after a failed drain and a spool filled meanwhile.
        drainTimer = try? LoopEvent.timer(on: loop, after: .seconds(5), repeats: true) {
            [unowned self] in
            durable?.drainIfPossible()
        }
        database.onStateChange = { [unowned self] state, error in
            databaseStateChanged(state, error)
        }
        if configuration.migratesOnStart {
            migrations.start { [loop, database, readDatabase] in
                loop.execute {
                    database.start()
                    readDatabase.start()
                }
            }
        } else {
            database.start()
            readDatabase.start()
        }
        logger.notice("started", [.version: ServiceVersion.current])
        loop.run()
        return exitCode
    }

    private func openSpool() throws(SpoolError) -> Spool {
        let spool = try Spool(directory: configuration.spoolDirectory, loop: loop) {
            [logger] file, reason in
            // A torn tail is a write that never finished, so never answered.
            logger.warning("spool tail set aside", [.directory: file, .reason: reason])
        }
        logger.notice(
            "spool open", [.directory: configuration.spoolDirectory, .depth: spool.depth])
        return spool
    }

    private func startListeners() throws(EventError) {
        guard let durable else { preconditionFailure("the spool is opened before the listeners") }
        let endpoint = CallbackEndpoint(
            recorder: durable, callbackToken: configuration.callbackToken, logger: logger)
        let publicServer = try HTTPServer(
            loop: loop,
            limits: HTTPServer.Limits(
                maximumBodyBytes: CallbackLimits.maximumBodyBytes, timeout: .seconds(15))
        ) { request in
            endpoint.handle(request)
        }
        publicServer.onLibraryResponse = { [logger] status in
            logger.warning(
                "request answered by the HTTP layer",
                [
                    .listener: "public", .status: status,
                    .reason: status == 413 ? "body over the 64 KiB limit" : "malformed request",
                ])
        }
        let publicAddress = try publicServer.bind(
            host: configuration.listen.host, port: configuration.listen.port)
        logger.notice("listening", [.listener: "public", .address: publicAddress])

        let router = AdminRouter(adminToken: configuration.adminToken, logger: logger)
        HealthRoutes.register(on: router) { [unowned self] in
            HealthRoutes.Readiness(
                canMakeDurable: durable.canMakeDurable, databaseState: database.state.rawValue,
                spoolDepth: durable.spoolDepth, isStopping: isStopping)
        }
        ReadRoutes(connection: readDatabase).register(on: router)
        let adminServer = try HTTPServer(
            loop: loop, limits: HTTPServer.Limits(maximumBodyBytes: 65_536)
        ) { request in
            router.handle(request)
        }
        let adminAddress = try adminServer.bind(
            host: configuration.adminListen.host, port: configuration.adminListen.port)
        logger.notice("listening", [.listener: "admin", .address: adminAddress])

        callbackEndpoint = endpoint
        adminRouter = router
        self.publicServer = publicServer
        self.adminServer = adminServer
    }

    private func installSignalHandlers() throws(EventError) {
        for signal in [SIGTERM, SIGINT] {
            signalEvents.append(
                try LoopEvent.signal(signal, on: loop) { [unowned self] in
                    stop(signal: signal)
                })
        }
        signalEvents.append(
            try LoopEvent.signal(SIGHUP, on: loop) { [unowned self] in
                reload()
            })
    }

    private func databaseStateChanged(_ state: PostgresConnection.State, _ error: PostgresError?) {
        switch state {
        case .ready:
            logger.notice("database connection ready")
            durable?.drainIfPossible()
        case .disconnected:
            logger.warning(
                "database connection lost",
                [
                    .error: error.map { "\($0)" } ?? "", .sqlState: error?.sqlState ?? "",
                ])
        case .connecting, .closed:
            break
        }
    }

    // MARK: Stopping

    private func stop(signal: Int32) {
        guard !isStopping else {
            logger.warning("second stop signal: exiting at once", [.signal: signal])
            exit(ExitCode.failure.rawValue)
        }
        isStopping = true
        migrations.cancel()
        publicServer?.stopAccepting()
        adminServer?.stopAccepting()
        logger.notice("stopping", [.signal: signal, .inFlight: requestsInFlight])
        publicServer?.onIdle = { [unowned self] in finishIfIdle() }
        adminServer?.onIdle = { [unowned self] in finishIfIdle() }
        graceTimer = try? LoopEvent.timer(
            on: loop, after: configuration.shutdownGracePeriod
        ) { [unowned self] in
            logger.error("stopped with requests unanswered", [.inFlight: requestsInFlight])
            exitCode = .failure
            finish()
        }
        finishIfIdle()
    }

    private var requestsInFlight: Int {
        (publicServer?.inFlight ?? 0) + (adminServer?.inFlight ?? 0)
    }

    private func finishIfIdle() {
        guard isStopping, requestsInFlight == 0 else { return }
        finish()
    }

    private func finish() {
        graceTimer = nil
        database.onStateChange = nil
        database.close()
        readDatabase.close()
        logger.notice("stopped")
        loop.stop()
    }

    private func reload() {
        logger.notice("reload requested; nothing to reload yet")
    }
}
