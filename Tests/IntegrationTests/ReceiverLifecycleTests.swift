import Foundation
import PostgresClient
import Testing

/// Start-up, database outages, migrations and stopping, with real processes.
@Suite struct ReceiverLifecycleTests {
    @Test func postgresRestartIsSurvivedWithoutRestartingTheDaemon() async throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let daemon = try await DaemonProcess(databaseURL: cluster.url)
        defer { daemon.stop() }
        let client = HTTPClient.shared

        let before = CallbackBodies.success(
            checkoutRequestID: "ws_CO_before", receipt: "UD4EF5GH6I")
        #expect(try await client.post(daemon.callbackURL, before).status == 200)

        let mark = daemon.logs.all.count
        try cluster.stop()
        _ = try await daemon.logs.first(message: "database connection lost", from: mark)
        // While PostgreSQL is down the spool makes the callback durable.
        let during = CallbackBodies.success(
            checkoutRequestID: "ws_CO_during", receipt: "UE5FG6HI7J")
        #expect(try await client.post(daemon.callbackURL, during).status == 200)
        let readiness = try await client.get(daemon.adminURL("/readyz"))
        #expect(readiness.status == 200)
        #expect(readiness.text.contains(#""spool_depth":1"#))

        let restartMark = daemon.logs.all.count
        try cluster.start()
        _ = try await daemon.logs.first(
            message: "spool segment drained", from: restartMark, timeout: .seconds(30))
        let after = CallbackBodies.success(checkoutRequestID: "ws_CO_after", receipt: "UF6GH7IJ8K")
        #expect(try await client.post(daemon.callbackURL, after).status == 200)
        #expect(daemon.isRunning)
        #expect(try await client.get(daemon.adminURL("/readyz")).text.contains(#""spool_depth":0"#))

        let database = try BlockingConnectionFactory.connect(cluster.url)
        let stored = try database.execute(
            "SELECT checkout_request_id FROM mpesa.payments ORDER BY checkout_request_id"
        ).rows.map { $0[0] }
        #expect(stored == ["ws_CO_after", "ws_CO_before", "ws_CO_during"])
    }

    @Test func callbacksBeforePostgresStartsAreSpooledThenDrained() async throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        try cluster.stop()
        let daemon = try await DaemonProcess(databaseURL: cluster.url, waitForDatabase: false)
        defer { daemon.stop() }

        _ = try await daemon.logs.first(message: "database schema not applied yet")
        #expect(try await HTTPClient.shared.get(daemon.adminURL("/readyz")).status == 200)
        let early = CallbackBodies.failure(checkoutRequestID: "ws_CO_early")
        #expect(try await HTTPClient.shared.post(daemon.callbackURL, early).status == 200)
        let rejected = Data("{}".utf8)
        #expect(try await HTTPClient.shared.post(daemon.callbackURL, rejected).status == 400)

        try cluster.start()
        _ = try await daemon.logs.first(message: "spool segment drained", timeout: .seconds(40))
        let database = try BlockingConnectionFactory.connect(cluster.url)
        let callbacks = try database.execute("SELECT checkout_request_id FROM mpesa.callbacks")
        #expect(callbacks.rows.map { $0[0] } == ["ws_CO_early"])
        let bodies = try database.execute("SELECT body FROM mpesa.rejected_callbacks")
        #expect(bodies.rows.count == 1)
    }

    @Test func sigtermStopsGracefullyWithExitZero() async throws {
        try await withDaemon { daemon, database in
            // Callbacks in flight when the signal arrives are still answered.
            let responses = Task {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let body = CallbackBodies.failure(
                                checkoutRequestID: CallbackBodies.checkoutID(index, run: "term"))
                            do {
                                return try await HTTPClient.shared.post(daemon.callbackURL, body)
                                    .status
                            } catch {
                                return 0  // refused after the listener closed: never a 200
                            }
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
            }
            _ = try await daemon.logs.first(message: "callback recorded")
            daemon.signal(SIGTERM)
            let status = try await daemon.waitForExit()
            let statuses = try await responses.value

            #expect(status == 0)
            #expect(daemon.logs.all.contains { LogLines.message(of: $0) == "stopped" })
            // Every 200 is a stored row; nothing answered 5xx.
            let acknowledged = statuses.filter { $0 == 200 }.count
            #expect(acknowledged > 0)
            #expect(try database.count("mpesa.callbacks") == acknowledged)
            #expect(!statuses.contains { $0 >= 500 })
        }
    }

    @Test func checkConfigWithoutTokenExits78AndNamesIt() throws {
        let result = try runDaemon(
            ["--check-config"],
            environment: [
                "MPESA_LISTEN": "nonsense", "MPESA_LOG_LEVEL": "loud",
            ])
        #expect(result.status == 78)
        #expect(result.errors.contains("MPESA_CALLBACK_TOKEN"))
        #expect(result.errors.contains("MPESA_LISTEN"))
        #expect(result.errors.contains("MPESA_LOG_LEVEL"))
    }

    @Test func checkConfigNeverPrintsSecrets() throws {
        let shortToken = "short-secret-token"
        let result = try runDaemon(
            ["--check-config"],
            environment: [
                "MPESA_CALLBACK_TOKEN": shortToken
            ])
        #expect(result.status == 78)
        #expect(result.errors.contains("MPESA_CALLBACK_TOKEN"))
        #expect(!result.errors.contains(shortToken))

        let valid = try runDaemon(
            ["--check-config"],
            environment: [
                "MPESA_CALLBACK_TOKEN": DaemonProcess.callbackToken
            ])
        #expect(valid.status == 0)
    }

    @Test func migrateAppliesOnceAndSecondRunIsANoOp() throws {
        let database = try TestDatabase()
        defer { database.drop() }

        let first = try runDaemon(["migrate"], environment: ["MPESA_DATABASE_URL": database.url])
        #expect(first.status == 0)
        let versions = try database.scalar(
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM mpesa.schema_migrations")
        let second = try runDaemon(["migrate"], environment: ["MPESA_DATABASE_URL": database.url])
        #expect(second.status == 0)
        #expect(LogLines.field("applied", of: second.errors) == "")
        #expect(
            try database.scalar(
                "SELECT string_agg(version::text, ',' ORDER BY version) FROM mpesa.schema_migrations"
            )
                == versions)
        #expect(try database.count("mpesa.payments") == 0)
    }

    @Test func helpAndVersionAnswer() throws {
        #expect(try runDaemon(["--help"]).status == 0)
        let version = try runDaemon(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("mpesa-callbackd "))
        #expect(try runDaemon(["--bogus"]).status == 64)
    }

    private func runDaemon(
        _ arguments: [String], environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String, errors: String) {
        try ChildProcess.run(
            TestEnvironment.program("mpesa-callbackd").path, arguments, environment: environment)
    }
}

/// Opens blocking connections for assertions.
enum BlockingConnectionFactory {
    static func connect(_ url: String) throws -> BlockingPostgresConnection {
        try BlockingPostgresConnection(connectionString: url)
    }
}
