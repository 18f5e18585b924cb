import CallbackStore
import EventHTTP
import Glibc
import MpesaCore
import PostgresClient
import ServiceKit
import StkSender

/// The running daemon: one event loop serving the public and admin
/// listeners, one PostgreSQL connection with group commit, a second one for
/// the STK push sender when it is configured, and the signal handling that
/// stops it gracefully.
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
    private let recorder: CallbackRecorder
    private let migrations: SchemaMigrationRunner
    /// The sender's own connection, so that pushes never queue behind
    /// callback batches; nil with the sender.
    private let senderDatabase: PostgresConnection?
    private let sender: StkSender?
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
        recorder = CallbackRecorder(
            loop: loop, connection: database,
            options: CallbackRecorder.Options(
                maximumBatchSize: configuration.maximumBatchSize,
                deadline: configuration.commitDeadline))
        migrations = SchemaMigrationRunner(databaseURL: configuration.databaseURL, logger: logger)
        if let senderConfiguration = configuration.sender {
            let connection = PostgresConnection(
                loop: loop,
                options: PostgresConnection.Options(
                    connectionString: configuration.databaseURL.exposedValue,
                    statements: StkSender.statements))
            senderDatabase = connection
            sender = StkSender(
                configuration: senderConfiguration,
                database: AsyncPostgresConnection(loop: loop, connection: connection),
                logger: logger)
        } else {
            senderDatabase = nil
            sender = nil
        }
    }

    /// Runs until stopped by a signal.
    ///
    /// - Returns: the process exit code.
    public func run() -> ExitCode {
        do {
            try startListeners()
            try installSignalHandlers()
        } catch {
            logger.critical("cannot start", [.error: error])
            return .failure
        }
        database.onStateChange = { [unowned self] state, error in
            databaseStateChanged(state, error)
        }
        senderDatabase?.onStateChange = { [unowned self] state, error in
            databaseStateChanged(
                state, error, ready: "sender database connection ready",
                lost: "sender database connection lost")
        }
        if configuration.migratesOnStart {
            migrations.start { [loop, database, senderDatabase] in
                loop.execute {
                    database.start()
                    senderDatabase?.start()
                }
            }
        } else {
            database.start()
            senderDatabase?.start()
        }
        logger.notice(
            "started",
            [
                .version: ServiceVersion.current,
                .daraja: configuration.sender?.endpoint.description ?? "off",
            ])
        loop.run()
        return exitCode
    }

    private func startListeners() throws(EventError) {
        let endpoint = CallbackEndpoint(
            recorder: recorder, callbackToken: configuration.callbackToken, logger: logger)
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
                isDatabaseReady: recorder.isAvailable, databaseState: database.state.rawValue,
                isStopping: isStopping)
        }
        StkPushRoutes.register(on: router, sender: sender, loop: loop, logger: logger)
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

    /// Logs a connection's changes of state; each connection has its own
    /// messages, so that a line always says which one changed.
    private func databaseStateChanged(
        _ state: PostgresConnection.State, _ error: PostgresError?,
        ready: StaticString = "database connection ready",
        lost: StaticString = "database connection lost"
    ) {
        switch state {
        case .ready:
            logger.notice(ready)
        case .disconnected:
            logger.warning(
                lost,
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
        senderDatabase?.onStateChange = nil
        senderDatabase?.close()
        logger.notice("stopped")
        loop.stop()
    }

    private func reload() {
        logger.notice("reload requested; nothing to reload yet")
    }
}
