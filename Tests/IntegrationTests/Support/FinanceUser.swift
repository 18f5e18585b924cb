import Foundation
import PostgresClient
import Testing

/// A LOGIN role that is a member of `mpesa_finance`, made for one test and
/// dropped by `drop()`. Roles belong to the whole cluster, not to a
/// database, so each gets a name of its own.
final class FinanceUser: @unchecked Sendable {
    let name: String
    private let clusterURL: String

    /// Creates the role on the cluster of `clusterURL`, where a migration
    /// has already created `mpesa_finance`.
    init(clusterURL: String) throws {
        self.clusterURL = clusterURL
        name = "finance_" + UUID().uuidString.prefix(8).lowercased()
        let admin = try BlockingPostgresConnection(connectionString: clusterURL)
        try admin.execute(script: "CREATE ROLE \(name) LOGIN IN ROLE mpesa_finance")
    }

    /// Connects to `database` as this role; the test cluster trusts
    /// connections over its Unix socket, so no password is involved.
    func connect(to database: TestDatabase) throws -> BlockingPostgresConnection {
        try BlockingPostgresConnection(
            connectionString: try databaseURL(database.url, user: name))
    }

    /// Drops the role once no test connection uses it.
    func drop() {
        guard let admin = try? BlockingPostgresConnection(connectionString: clusterURL)
        else { return }
        _ = try? admin.execute(script: "DROP ROLE IF EXISTS \(name)")
    }
}

/// `url` with its user name replaced.
func databaseURL(_ url: String, user: String) throws -> String {
    guard var components = URLComponents(string: url) else {
        throw TestSetupError("the database URL is not a URL")
    }
    components.user = user
    guard let changed = components.string else {
        throw TestSetupError("cannot build a database URL for \(user)")
    }
    return changed
}

/// Expects `statement` to fail with one of `sqlStates` (by default 42501,
/// insufficient privilege) and records which statement did not.
func expectRefused(
    _ statement: String, on connection: BlockingPostgresConnection,
    sqlStates: Set<String> = ["42501"], sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        try connection.execute(script: statement)
        Issue.record("allowed: \(statement)", sourceLocation: sourceLocation)
    } catch {
        #expect(
            sqlStates.contains(error.sqlState ?? ""), "\(statement): \(error)",
            sourceLocation: sourceLocation)
    }
}
