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
/// Start-up order: check the sockets systemd passed, open the spool, open
/// both listeners on the passed sockets or by binding (a failure is fatal), install signal handlers, start the watchdog,
/// apply migrations on a side thread, then connect; systemd hears `READY=1`
/// once callbacks can be made durable. Stop order on SIGTERM or SIGINT: tell
/// systemd, close the listeners, let requests in flight finish (up to the
/// grace period), close the database connection, return. A second signal
/// exits at once. SIGHUP reloads what can change without a restart.
///
/// Ownership: owns the loop and everything on it. Thread rules: `run()` is
/// called once, on the thread that becomes the loop thread, and all state
/// is touched there; the type is `@unchecked Sendable` only so that the
/// migration thread can hand work back through `loop.execute`.
public final class Daemon: @unchecked Sendable {
    private let configuration: DaemonConfiguration
    private let logger: Logger
    private let loop: EventLoop
    /// The connections that record callbacks: each carries one transaction
    /// at a time, so that one statement runs while another commit flushes.
    private let writeDatabases: [PostgresConnection]
    /// A second connection for the read API, so that readers never queue in
    /// front of the callbacks being written.
    private let readDatabase: PostgresConnection
    private let recorder: CallbackRecorder
    private var durable: DurableRecorder?
    private var drainTimer: LoopEvent?
    private let migrations: SchemaMigrationRunner
    private let metrics = DaemonMetrics()
    private let logQueue: QueuedLogSink?
    private let supervision: SystemdSupervision
    private let reloader: ConfigurationReloader
    /// The STK push sender and its reconciler; nil without `DARAJA_*`.
    private let senderService: SenderService?
    private var callbackEndpoint: CallbackEndpoint?
    private var adminRouter: AdminRouter?
    private var publicServer: HTTPServer?
    private var adminServer: HTTPServer?
    private var signalEvents: [LoopEvent] = []
    private var graceTimer: LoopEvent?
    private var finalTurn: LoopEvent?
    private var isStopping = false
    private var exitCode = ExitCode.success

    /// Prepares the daemon; nothing is bound or connected until `run()`.
    ///
    /// - Parameter logQueue: the sink behind `logger`, when it is a queued
    ///   one, so that the lines it drops are counted in `/metrics`.
    public init(
        configuration: DaemonConfiguration, logger: Logger, logQueue: QueuedLogSink? = nil
    ) throws(EventError) {
        self.configuration = configuration
        self.logger = logger
        self.logQueue = logQueue
        logQueue?.countDrops(in: metrics.logLinesDropped)
        loop = try EventLoop()
        let writeOptions = PostgresConnection.Options(
            connectionString: configuration.databaseURL.exposedValue,
            statements: CallbackRecorder.statements)
        writeDatabases = (0..<configuration.writeConnections).map { [loop] _ in
            PostgresConnection(loop: loop, options: writeOptions)
        }
        readDatabase = PostgresConnection(
            loop: loop,
            options: PostgresConnection.Options(
                connectionString: configuration.databaseURL.exposedValue,
                statements: ReadStatements.all))
        recorder = CallbackRecorder(
            loop: loop, connections: writeDatabases,
            options: CallbackRecorder.Options(
                maximumBatchSize: configuration.maximumBatchSize,
                deadline: configuration.commitDeadline))
        migrations = SchemaMigrationRunner(databaseURL: configuration.databaseURL, logger: logger)
        supervision = SystemdSupervision(loop: loop, logger: logger)
        reloader = ConfigurationReloader(current: configuration, loop: loop, logger: logger)
        senderService = SenderService(
            configuration: configuration, loop: loop, logger: logger, metrics: metrics)
    }

    /// Runs until stopped by a signal.
    ///
    /// - Returns: the process exit code.
    public func run() -> ExitCode {
        do {
            // The passed sockets are checked first: a unit that names them
            // wrongly fails on that, before anything touches the disk.
            let sockets = try ListenerSockets.takePassedSockets()
            let spool = try openSpool()
            durable = DurableRecorder(loop: loop, recorder: recorder, spool: spool, logger: logger)
            try startListeners(sockets)
            try installSignalHandlers()
            try supervision.startWatchdog()
        } catch {
            logger.critical("cannot start", [.error: "\(error)"])
            return .failure
        }
        // A drain starts when the database comes back; this timer covers
        // the pauses after a failed drain and a spool filled meanwhile.
        drainTimer = try? LoopEvent.timer(on: loop, after: .seconds(5), repeats: true) {
            [unowned self] in
            durable?.drainIfPossible()
            refreshDurability()
        }
        durable?.onDrained = { [unowned self] count in
            metrics.spoolDrained(count)
            refreshDurability()
        }
        for connection in writeDatabases {
            connection.onStateChange = { [unowned self] state, error in
                databaseStateChanged(state, error)
            }
        }
        recorder.onBatchCommitted = { [metrics] size, duration in
            metrics.batchCommitted(size: size, after: duration)
        }
        metrics.databaseStateChanged(to: writeState)
        refreshDurability()
        readDatabase.onStateChange = { [unowned self] state, error in
            logConnectionState(
                state, error, ready: "read database connection ready",
                lost: "read database connection lost")
        }
        senderService?.connection.onStateChange = { [unowned self] state, error in
            logConnectionState(
                state, error, ready: "sender database connection ready",
                lost: "sender database connection lost")
        }
        if configuration.migratesOnStart {
            migrations.start { [loop, unowned self] in
                loop.execute { [unowned self] in connectDatabases() }
            }
        } else {
            connectDatabases()
        }
        logger.notice(
            "started",
            [
                .version: ServiceVersion.current,
                .daraja: configuration.sender?.endpoint.description ?? "off",
            ])
        loop.run()
        releaseLoopObjects()
        return exitCode
    }

    /// Starts every connection once the schema is current.
    private func connectDatabases() {
        guard !isStopping else { return }
        writeDatabases.forEach { $0.start() }
        readDatabase.start()
        senderService?.start()
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

    private func startListeners(_ sockets: ListenerSockets) throws(EventError) {
        guard let durable else { preconditionFailure("the spool is opened before the listeners") }
        let traffic = configuration.traffic
        let cap = ConnectionBudget.connectionCap(wanted: traffic.maximumConnections, logger: logger)
        let endpoint = CallbackEndpoint(
            recorder: durable,
            callbackToken: RotatingSecret(
                current: configuration.callbackToken,
                previous: configuration.previousCallbackToken),
            sources: SourcePolicy(traffic), logger: logger, metrics: metrics)
        let publicServer = try HTTPServer(
            loop: loop, limits: ConnectionBudget.publicLimits(traffic, cap: cap)
        ) { request in
            endpoint.handle(request)
        }
        observeDrops(on: publicServer, as: .public)
        metrics.observe(publicServer, as: .public) { [logger] status in
            logger.warning(
                "request answered by the HTTP layer",
                [
                    .listener: "public", .status: status,
                    .reason: status == 413 ? "body over the 64 KiB limit" : "malformed request",
                ])
        }
        try sockets.open(
            publicServer, for: .public, otherwise: configuration.listen, logger: logger)

        let router = AdminRouter(
            adminToken: configuration.adminToken,
            previousAdminToken: configuration.previousAdminToken, logger: logger,
            metrics: metrics.traffic)
        HealthRoutes.register(on: router) { [unowned self] in
            HealthRoutes.Readiness(
                canMakeDurable: durable.canMakeDurable, databaseState: writeState.rawValue,
                spoolDepth: durable.spoolDepth, isStopping: isStopping)
        }
        ReadRoutes(connection: readDatabase).register(on: router)
        ReviewRoutes(connection: readDatabase, logger: logger).register(on: router)
        StkPushRoutes.register(
            on: router, sender: senderService?.sender, loop: loop, logger: logger)
        let adminServer = try HTTPServer(
            loop: loop, limits: ConnectionBudget.adminLimits(traffic, cap: cap)
        ) { request in
            router.handle(request)
        }
        observeDrops(on: adminServer, as: .admin)
        metrics.observe(adminServer, as: .admin)
        metrics.registerRoute(on: router) { [unowned self] in
            metrics.spoolDepthChanged(to: durable.spoolDepth)
            metrics.setRequestsInFlight(self.publicServer?.inFlight ?? 0, on: .public)
            metrics.setRequestsInFlight(self.adminServer?.inFlight ?? 0, on: .admin)
            let open = metrics.traffic.setOpenConnections
            open(self.publicServer?.openConnections ?? 0, .public)
            open(self.adminServer?.openConnections ?? 0, .admin)
        }
        try sockets.open(
            adminServer, for: .admin, otherwise: configuration.adminListen, logger: logger)
        watchReloadableSettings(endpoint: endpoint, router: router)

        callbackEndpoint = endpoint
        adminRouter = router
        self.publicServer = publicServer
        self.adminServer = adminServer
    }

    /// Counts and logs the connections a listener's limits dropped, one line a second
    /// at most.
    private func observeDrops(on server: HTTPServer, as listener: Listener) {
        server.onConnectionsDropped = { [logger, metrics] drops in
            metrics.traffic.connectionsDropped(drops, on: listener)
            logger.warning(
                "connections dropped",
                [
                    .listener: listener.rawValue, .overCap: drops.overCap,
                    .pastDeadline: drops.pastDeadline,
                ])
        }
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

    /// Where a callback arriving now would be made durable.
    private var durability: SystemdSupervision.Durability {
        guard let durable else { return .none }
        if recorder.isAvailable { return .database }
        return durable.canMakeDurable ? .spool : .none
    }

    /// Reports the spool's depth and where callbacks can be made durable;
    /// run when the database connection changes, after a drain and on a
    /// timer.
    private func refreshDurability() {
        let depth = durable?.spoolDepth ?? 0
        metrics.spoolDepthChanged(to: depth)
        if !isStopping {
            supervision.durabilityChanged(durability, spoolDepth: depth)
        }
    }

    /// The write connections' state taken together: ready while any is.
    private var writeState: PostgresConnection.State {
        let states = writeDatabases.map(\.state)
        for state in [PostgresConnection.State.ready, .connecting, .disconnected]
        where states.contains(state) {
            return state
        }
        return .closed
    }

    private func databaseStateChanged(_ state: PostgresConnection.State, _ error: PostgresError?) {
        metrics.databaseStateChanged(to: writeState)
        refreshDurability()
        logConnectionState(state, error)
        if state == .ready {
            durable?.drainIfPossible()
        }
    }

    /// Logs a connection's changes of state; each connection has its own
    /// messages, so that a line always says which one changed.
    private func logConnectionState(
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
            logQueue?.drain(timeout: .milliseconds(200))
            exit(ExitCode.failure.rawValue)
        }
        isStopping = true
        supervision.stopping(requestsInFlight: requestsInFlight)
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
        guard finalTurn == nil else { return }
        graceTimer = nil
        for connection in writeDatabases {
            connection.onStateChange = nil
            connection.close()
        }
        readDatabase.close()
        senderService?.stop()
        logger.notice("stopped")
        // The last replies were only queued on their connections: one more
        // turn of the loop writes them out (I/O runs before timers in a
        // turn), and then the loop stops.
        finalTurn = try? LoopEvent.timer(on: loop, after: .zero) { [loop] in loop.stop() }
        if finalTurn == nil {
            loop.stop()
        }
    }

    // MARK: Reloading

    private func watchReloadableSettings(endpoint: CallbackEndpoint, router: AdminRouter) {
        reloader.onChange(of: "MPESA_LOG_LEVEL", \.logLevel, differs: !=) { [logger] level in
            logger.setLevel(level)
        }
        reloader.onChange(
            of: "MPESA_CALLBACK_TOKEN", \.callbackToken,
            differs: { ConfigurationReloader.secretsDiffer($0, $1) }, apply: endpoint.updateToken)
        reloader.onChange(
            of: "MPESA_ADMIN_TOKEN", \.adminToken, differs: ConfigurationReloader.secretsDiffer,
            apply: router.updateToken)
        reloader.watchTrafficSettings(endpoint: endpoint, router: router)
        reloader.onStart = { [supervision] in supervision.reloadStarted() }
        reloader.onFinish = { [supervision, metrics] applied in
            metrics.reloadFinished(applied: applied)
            supervision.reloadFinished()
        }
    }

    private func reload() {
        guard !isStopping else { return }
        reloader.reload()
    }

    // MARK: Teardown

    /// Frees what is built on the loop while the loop still exists: their
    /// `deinit`s reach into its `event_base`, and the order in which stored
    /// properties are released is not one to rely on.
    private func releaseLoopObjects() {
        signalEvents.removeAll()
        graceTimer = nil
        finalTurn = nil
        supervision.stopWatchdog()
        // A server still holding requests frees them with it; after a stop
        // that timed out, the process exits with them instead.
        if requestsInFlight == 0 {
            callbackEndpoint = nil
            adminRouter = nil
            publicServer = nil
            adminServer = nil
        }
    }
}
