import PostgresClient

/// One versioned change to the database schema, applied once.
///
/// Migrations are Swift string literals so that the binary carries its own
/// schema; append new ones to `all` with the next version number and never
/// edit one that has shipped.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String

    /// Every migration in the order it is applied.
    public static let all: [Migration] = [
        initial, senderTokens, financeReporting, daemonGrants, readIndexes,
        noPerRowReferenceChecks, identifiersInByteOrder, daemonMayFlagCallbacks,
        reviewResolutions, daemonMayResolveReviews,
    ]
}

/// Applies pending migrations over a blocking connection.
///
/// Each migration runs in its own transaction under an advisory lock, so
/// that several daemons starting at once apply it once, and a second run is
/// a no-op.
public enum Migrator {
    /// A constant that every process uses for the migration advisory lock.
    private static let lockKey = "7259340101"

    /// Applies every migration not yet recorded in `mpesa.schema_migrations`.
    ///
    /// - Returns: the migrations applied by this call, oldest first.
    /// - Throws: `PostgresError` from the first statement that failed; the
    ///   migration it belonged to is rolled back.
    @discardableResult
    public static func apply(
        _ migrations: [Migration] = Migration.all, on connection: BlockingPostgresConnection
    ) throws(PostgresError) -> [Migration] {
        _ = try inTransaction(connection) { () throws(PostgresError) in
            try connection.execute(
                script: """
                    CREATE SCHEMA IF NOT EXISTS mpesa;
                    CREATE TABLE IF NOT EXISTS mpesa.schema_migrations (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    );
                    """)
        }
        var applied: [Migration] = []
        for migration in migrations {
            let didApply = try inTransaction(connection) { () throws(PostgresError) -> Bool in
                let existing = try connection.execute(
                    "SELECT 1 FROM mpesa.schema_migrations WHERE version = $1",
                    [.text(String(migration.version))])
                guard existing.rows.isEmpty else { return false }
                try connection.execute(script: migration.sql)
                try connection.execute(
                    "INSERT INTO mpesa.schema_migrations (version, name) VALUES ($1, $2)",
                    [.text(String(migration.version)), .text(migration.name)])
                return true
            }
            if didApply {
                applied.append(migration)
            }
        }
        return applied
    }

    private static func inTransaction<Result>(
        _ connection: BlockingPostgresConnection,
        _ body: () throws(PostgresError) -> Result
    ) throws(PostgresError) -> Result {
        try connection.execute(script: "BEGIN")
        do {
            try connection.execute("SELECT pg_advisory_xact_lock($1::bigint)", [.text(lockKey)])
            let result = try body()
            try connection.execute(script: "COMMIT")
            return result
        } catch {
            _ = try? connection.execute(script: "ROLLBACK")
            throw error
        }
    }
}
