import CallbackStore
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
        let (ownerURL, daemonURL) = try Self.createRolesAndMigrate(cluster)

        let adminToken = ReviewResolutionTests.adminToken
        let daemon = try await DaemonProcess(
            databaseURL: daemonURL,
            environment: ["MPESA_MIGRATE_ON_START": "false", "MPESA_ADMIN_TOKEN": adminToken])
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

        // A success that added no payment (a repeat, or the loser of a race
        // with another transaction) is checked after its batch by a statement
        // that sets its review_reason: the daemon's role must be allowed to.
        let check = try #require(
            CallbackRecorder.statements.first { $0.name == "flag_conflicting_successes" })
        let successID = try #require(
            try owner.execute(
                "SELECT id FROM mpesa.callbacks WHERE checkout_request_id = 'ws_CO_role_1'"
            ).rows.first?.first ?? nil)
        #expect(throws: Never.self) {
            try asDaemon.execute(check.sql, [.text("{\(successID)}")])
        }

        // The rejected body is a review item the admin API can resolve.
        let rejectedID = try #require(
            try owner.execute("SELECT id FROM mpesa.rejected_callbacks").rows.first?.first ?? nil)
        let resolved = try await client.send(
            "POST", daemon.adminURL("/v1/reviews/rejected_callback/\(rejectedID)/resolve"),
            body: Data(#"{"note":"A test body."}"#.utf8),
            headers: ["Authorization": "Bearer \(adminToken)"])
        #expect(resolved.status == 201, "\(resolved.text)")
    }

    @Test func aDatabaseMigratedBeforeTheRolesExistedGetsEveryGrantOnTheNextMigration() throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let program = TestEnvironment.program("mpesa-callbackd").path
        // Migrated as the superuser, with no mpesa_daemon to grant to.
        let first = try ChildProcess.run(
            program, ["migrate"], environment: ["MPESA_DATABASE_URL": cluster.url])
        #expect(first.status == 0, "\(first.errors)")

        try Self.createRoles(on: cluster)
        let ownerURL = cluster.url.replacingOccurrences(of: "postgres@", with: "mpesa_owner@")
        let again = try ChildProcess.run(
            program, ["migrate"], environment: ["MPESA_DATABASE_URL": ownerURL])
        #expect(again.status == 0, "\(again.errors)")

        // Every privilege the daemon's statements need, from migrations 4, 8 and 10.
        let admin = try BlockingConnectionFactory.connect(cluster.url)
        let granted = try admin.execute(
            """
            SELECT has_table_privilege('mpesa_daemon', 'mpesa.callbacks', 'INSERT'),
                has_column_privilege('mpesa_daemon', 'mpesa.callbacks', 'review_reason', 'UPDATE'),
                has_column_privilege('mpesa_daemon', 'mpesa.callbacks', 'result_code', 'UPDATE')
            """
        ).rows.first
        #expect(granted == ["t", "t", "f"])
        let reviews = try admin.execute(
            """
            SELECT has_table_privilege('mpesa_daemon', 'mpesa.review_resolutions', 'INSERT'),
                has_table_privilege('mpesa_daemon', 'mpesa.needs_review', 'SELECT')
            """
        ).rows.first
        #expect(reviews == ["t", "t"])
    }

    /// The sender, the callbacks that settle its pushes (one sent twice,
    /// which is checked after its batch) and the reconciler, all as
    /// `mpesa_daemon`: every statement they run must be within its grants.
    @Test func theSenderAndTheReconcilerWorkWithinTheDaemonRolesPrivileges() async throws {
        // Roles belong to a cluster, so this test has one of its own.
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let (ownerURL, daemonURL) = try Self.createRolesAndMigrate(cluster)

        let simulator = try await SimulatorProcess(arguments: ["--callback-delay", "300ms"])
        defer { simulator.stop() }
        let publicPort = try freeLoopbackPort()
        var environment = SimulatorProcess.credentials
        environment["DARAJA_BASE_URL"] = simulator.baseURL
        environment["DARAJA_CALLBACK_URL"] =
            "http://127.0.0.1:\(publicPort)/stk/callback/\(DaemonProcess.callbackToken)"
        environment["MPESA_LISTEN"] = "127.0.0.1:\(publicPort)"
        environment["MPESA_ADMIN_TOKEN"] = SenderStack.adminToken
        environment["MPESA_MIGRATE_ON_START"] = "false"
        environment.merge(ReconcilerTests.quick) { $1 }
        let daemon = try await DaemonProcess(databaseURL: daemonURL, environment: environment)
        defer { daemon.stop() }
        _ = try await daemon.logs.first(message: "sender database connection ready")

        func push(_ phone: String) async throws -> String {
            let response = try await HTTPClient.shared.send(
                "POST", daemon.adminURL("/v1/stk-pushes"),
                body: Data(#"{"phone":"\#(phone)","amount":10,"reference":"ROLE"}"#.utf8),
                headers: ["Authorization": "Bearer \(SenderStack.adminToken)"])
            #expect(response.status == 201, "\(response.text)")
            return try #require(try jsonObject(response.text)["checkout_request_id"]?.stringValue)
        }
        let twice = try await push("0700009992")
        let lost = try await push("0700009990")
        try await simulator.callbackDelivered(twice, times: 2)
        _ = try await daemon.logs.first(timeout: .seconds(30)) { line in
            LogLines.message(of: line) == "push reconciled"
                && LogLines.field("checkout_request_id", of: line) == lost
        }

        let owner = try BlockingConnectionFactory.connect(ownerURL)
        let states = try owner.execute(
            """
            SELECT state, settled_by, (SELECT count(*) FROM mpesa.callbacks c
                WHERE c.checkout_request_id = r.checkout_request_id)
            FROM mpesa.stk_requests r WHERE checkout_request_id IN ($1, $2)
            ORDER BY checkout_request_id = $1 DESC
            """, [.text(twice), .text(lost)]
        ).rows
        #expect(states == [["paid", "callback", "2"], ["paid_without_callback", "query", "0"]])
        #expect(!daemon.logs.all.contains { $0.contains("permission denied") })
    }

    /// `roles.sql` has the grant-only migrations applied again once the role
    /// exists; a new one must be in its list, or a database migrated before
    /// the roles existed would lack its grant.
    @Test func theRolesScriptListsEveryGrantOnlyMigration() throws {
        let script = try String(
            contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent(
                "deploy/sql/roles.sql"),
            encoding: .utf8)
        let list = try #require(
            script.firstMatch(of: /schema_migrations WHERE version IN \(([0-9, ]+)\)/)?.1)
        let listed = Set(
            list.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) })
        let grantOnly = Set(Migration.all.filter { $0.sql.hasPrefix("DO $grants$") }.map(\.version))
        #expect(grantOnly == [4, 8, 10])
        #expect(listed == grantOnly)
    }

    /// Creates the roles on `cluster` and migrates as `mpesa_owner`, as the
    /// README's production set-up does; returns the owner's and the daemon's URLs.
    private static func createRolesAndMigrate(
        _ cluster: PrivateCluster
    ) throws -> (owner: String, daemon: String) {
        try createRoles(on: cluster)
        let ownerURL = cluster.url.replacingOccurrences(of: "postgres@", with: "mpesa_owner@")
        let migrated = try ChildProcess.run(
            TestEnvironment.program("mpesa-callbackd").path, ["migrate"],
            environment: ["MPESA_DATABASE_URL": ownerURL])
        #expect(migrated.status == 0, "\(migrated.errors)")
        return (ownerURL, cluster.url.replacingOccurrences(of: "postgres@", with: "mpesa_daemon@"))
    }

    /// Runs `deploy/sql/roles.sql` on `cluster` as its superuser, as a DBA would.
    private static func createRoles(on cluster: PrivateCluster) throws {
        let roles = TestEnvironment.repositoryRoot.appendingPathComponent("deploy/sql/roles.sql")
        let created = try ChildProcess.run(
            "/usr/bin/psql",
            ["--no-psqlrc", "--quiet", "--dbname=\(cluster.url)", "--file=\(roles.path)"])
        #expect(created.status == 0, "\(created.errors)")
    }
}
