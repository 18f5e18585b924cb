import EventHTTP
import PostgresClient
import ServiceKit
import StkSender

/// The STK push sender inside the daemon: its own PostgreSQL connection (so
/// that pushes never queue behind callback batches), the `StkSender` behind
/// the admin routes, and the reconciler that asks about pushes whose
/// callback never came.
///
/// Thread rules: created, started and stopped on the loop thread; the
/// sender and reconciler run in tasks and reach the connection through the
/// loop.
final class SenderService {
    let connection: PostgresConnection
    let sender: StkSender
    private let reconciler: StkReconciler
    private var reconcileTask: Task<Void, Never>?

    /// The service, or nil when no `DARAJA_*` setting turns the sender on.
    init?(
        configuration: DaemonConfiguration, loop: EventLoop, logger: Logger,
        metrics: DaemonMetrics
    ) {
        guard let senderConfiguration = configuration.sender else { return nil }
        connection = PostgresConnection(
            loop: loop,
            options: PostgresConnection.Options(
                connectionString: configuration.databaseURL.exposedValue,
                statements: StkSender.statements + StkReconciler.statements))
        let database = AsyncPostgresConnection(loop: loop, connection: connection)
        sender = StkSender(
            configuration: senderConfiguration, database: database, logger: logger,
            events: StkSender.Events(pushFinished: { state, _ in metrics.pushEntered(state) }))
        reconciler = StkReconciler(
            sender: sender, database: database, configuration: configuration.reconciler,
            logger: logger, onQuery: metrics.reconciliationQueried)
    }

    /// Connects, and starts reconciling.
    func start() {
        connection.start()
        let reconciler = self.reconciler
        reconcileTask = Task.detached { await reconciler.run() }
    }

    /// Stops reconciling and closes the connection.
    func stop() {
        reconcileTask?.cancel()
        reconcileTask = nil
        connection.onStateChange = nil
        connection.close()
    }
}
