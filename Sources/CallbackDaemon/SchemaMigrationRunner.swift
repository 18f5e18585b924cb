import CallbackStore
import Foundation
import PostgresClient
import ServiceKit
import Synchronization

/// Applies pending migrations on a thread of its own, retrying with backoff
/// while PostgreSQL cannot be reached, so that the event loop never waits
/// for it. The daemon serves meanwhile; callbacks wait for the schema.
final class SchemaMigrationRunner: Sendable {
    private let databaseURL: Secret
    private let logger: Logger
    private let isCancelled = Atomic<Bool>(false)

    init(databaseURL: Secret, logger: Logger) {
        self.databaseURL = databaseURL
        self.logger = logger
    }

    /// Starts the thread; `onSuccess` runs on it once the schema is current.
    func start(onSuccess: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            if runUntilApplied() {
                onSuccess()
            }
        }
        thread.name = "migrations"
        thread.start()
    }

    /// Stops retrying; a migration under way finishes first.
    func cancel() {
        isCancelled.store(true, ordering: .relaxed)
    }

    /// Connects, applies pending migrations once and logs what it applied.
    static func applyPending(databaseURL: Secret, logger: Logger) throws(PostgresError) {
        let connection = try BlockingPostgresConnection(
            connectionString: databaseURL.exposedValue)
        let applied = try Migrator.apply(on: connection)
        logger.notice(
            "database schema current",
            [
                .applied: applied.map { String($0.version) }.joined(separator: ","),
                .version: Migration.all.last?.version ?? 0,
            ])
    }

    private func runUntilApplied() -> Bool {
        var delay = Duration.milliseconds(250)
        var attempt = 1
        while !isCancelled.load(ordering: .relaxed) {
            do {
                try Self.applyPending(databaseURL: databaseURL, logger: logger)
                return true
            } catch {
                logger.warning(
                    "database schema not applied yet",
                    [
                        .attempt: attempt, .error: error, .sqlState: error.sqlState ?? "",
                        .delayMS: delay / .milliseconds(1),
                    ])
            }
            Thread.sleep(forTimeInterval: Double(delay / .milliseconds(1)) / 1_000)
            delay = min(delay * 2, .seconds(10))
            attempt += 1
        }
        return false
    }
}
