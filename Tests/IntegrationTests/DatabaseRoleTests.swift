import Foundation
import PostgresClient
import Testing

/// `deploy/sql/roles.sql` and migration 4: the owner migrates, the daemon's
/// role records callbacks and can change nothing else.
@Suite struct DatabaseRoleTests {
    @Test func theDaemonRoleRecordsCallbacksButCannotDeleteOrRewriteThem() async throws {
        // Roles belong to a cluster, so this test has one of its own.
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let roles = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/sql/roles.sql")
        let created = try ChildProcess.run(
            "/usr/bin/psql",
            ["--no-psqlrc", "--quiet", "--dbname=\(cluster.url)", "--file=\(roles.path)"])
        #expect(created.status == 0, "\(created.errors)")
        let ownerURL = cluster.url.replacingOccurrences(of: "postgres@", with: "mpesa_owner@")
        let daemonURL = cluster.url.replacingOccurrences(of: "postgres@", with: "mpesa_daemon@")

        let migrated = try ChildProcess.run(
            TestEnvironment.program("mpesa-callbackd").path, ["migrate"],
            environment: ["MPESA_DATABASE_URL": ownerURL])
        #expect(migrated.status == 0, "\(migrated.errors)")

        let daemon = try await DaemonProcess(
            databaseURL: daemonURL, environment: ["MPESA_MIGRATE_ON_START": "false"])
        defer { daemon.stop() }
        let client = HTTPClient.shared
        let success = CallbackBodies.success(
            checkoutRequestID: "ws_CO_role_1", receipt: "R0LE0K0001")
        #expect(try await client.post(daemon.callbackURL, success).status == 200)
        let failure = CallbackBodies.failure(checkoutRequestID: "ws_CO_role_2")
        #expect(try await client.post(daemon.callbackURL, failure).status == 200)
        #expect(try await client.post(daemon.callbackURL, Data("[]".utf8)).status == 400)

        let asDaemon = try BlockingConnectionFactory.connect(daemonURL)
        let forbidden = [
            "DELETE FROM mpesa.payments",
            "UPDATE mpesa.payments SET amount = 1",
            "UPDATE mpesa.callbacks SET result_code = '0'",
            "UPDATE mpesa.stk_requests SET amount = 1",
            "TRUNCATE mpesa.rejected_callbacks",
            "CREATE TABLE mpesa.intruder (id int)",
            "DROP TABLE mpesa.payments",
        ]
        for statement in forbidden {
            let error = #expect(throws: PostgresError.self, "\(statement)") {
                try asDaemon.execute(script: statement)
            }
            #expect(error?.sqlState == "42501", "insufficient privilege: \(statement)")
        }
        let owner = try BlockingConnectionFactory.connect(ownerURL)
        let counts = try owner.execute(
            """
            SELECT (SELECT count(*) FROM mpesa.callbacks), (SELECT count(*) FROM mpesa.payments),
                (SELECT count(*) FROM mpesa.rejected_callbacks)
            """
        ).rows.first
        #expect(counts == ["2", "1", "1"])
    }
}
