import Foundation
import PostgresClient

/// A database of its own for one test, created empty on the test cluster
/// and dropped by `drop()`.
final class TestDatabase: @unchecked Sendable {
    let name: String
    /// The URL of this database.
    let url: String
    private let maintenanceURL: String

    init() throws {
        maintenanceURL = try TestEnvironment.databaseURL()
        name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        url = try Self.url(maintenanceURL, withDatabase: name)
        let admin = try BlockingPostgresConnection(connectionString: maintenanceURL)
        try admin.execute(script: "CREATE DATABASE \(name)")
    }

    /// Drops the database, ending any session still connected to it.
    func drop() {
        guard let admin = try? BlockingPostgresConnection(connectionString: maintenanceURL)
        else { return }
        _ = try? admin.execute(script: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// A new blocking connection to this database.
    func connect() throws -> BlockingPostgresConnection {
        try BlockingPostgresConnection(connectionString: url)
    }

    /// The first column of the first row of `sql`, as text.
    func scalar(_ sql: String, _ parameters: [PostgresValue] = []) throws -> String? {
        try connect().execute(sql, parameters).rows.first?.first ?? nil
    }

    /// `count(*)` of a table or query.
    func count(
        _ table: String, where condition: String = "true",
        _ parameters: [PostgresValue] = []
    ) throws -> Int {
        let text = try scalar("SELECT count(*) FROM \(table) WHERE \(condition)", parameters)
        return Int(text ?? "") ?? -1
    }

    static func url(_ base: String, withDatabase database: String) throws -> String {
        guard var components = URLComponents(string: base) else {
            throw TestSetupError("MPESA_TEST_DATABASE_URL is not a URL")
        }
        components.path = "/" + database
        guard let url = components.string else {
            throw TestSetupError("cannot build a database URL")
        }
        return url
    }
}
