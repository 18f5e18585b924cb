import Foundation
import PostgresClient
import Testing

/// The local spool: a 200 while PostgreSQL is away means a synced record,
/// a crash loses nothing acknowledged, and nothing is recorded twice.
@Suite struct SpoolTests {
    @Test func spoolThatCannotBeWrittenWithDatabaseDownGives503() async throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        let daemon = try await DaemonProcess(databaseURL: cluster.url)
        defer { daemon.stop() }
        let client = HTTPClient.shared

        let mark = daemon.logs.all.count
        try cluster.stop()
        _ = try await daemon.logs.first(message: "database connection lost", from: mark)
        // A soft file-size limit of zero makes every spool append fail, as a full
        // disk would, for root too.
        try setFileSizeLimit(of: daemon, to: "0:unlimited")
        let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_nospace")
        let refused = try await client.post(daemon.callbackURL, body)
        #expect(refused.status == 503)
        #expect(try await client.get(daemon.adminURL("/readyz")).status == 503)

        try setFileSizeLimit(of: daemon, to: "unlimited:unlimited")
        #expect(try await client.post(daemon.callbackURL, body).status == 200)
        #expect(try await client.get(daemon.adminURL("/readyz")).status == 200)
    }

    @Test func acknowledgedSpoolRecordsSurviveSIGKILLAndTornTailIsSetAside() async throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        try cluster.stop()
        let spool = try DaemonProcess.makeSpoolDirectory()
        let first = try await DaemonProcess(
            databaseURL: cluster.url, environment: ["MPESA_SPOOL_DIR": spool],
            waitForDatabase: false)
        for index in 0..<3 {
            let body = CallbackBodies.success(
                checkoutRequestID: CallbackBodies.checkoutID(index, run: "kill"),
                receipt: CallbackBodies.receipt(index, prefix: "K"))
            #expect(try await HTTPClient.shared.post(first.callbackURL, body).status == 200)
        }
        first.signal(SIGKILL)
        _ = try await first.waitForExit()

        // The half-written record a crash in the middle of an append leaves.
        let segment = try #require(
            try FileManager.default.contentsOfDirectory(atPath: spool)
                .filter { $0.hasPrefix("segment-") }.sorted().last)
        let handle = try #require(FileHandle(forUpdatingAtPath: spool + "/" + segment))
        handle.seekToEndOfFile()
        handle.write(Data("MPS1".utf8) + Data([200, 0, 0, 0, 1, 2, 3, 4, 5]))
        handle.closeFile()

        try cluster.start()
        let second = try await DaemonProcess(
            databaseURL: cluster.url, environment: ["MPESA_SPOOL_DIR": spool])
        defer { second.stop() }
        _ = try await second.logs.first(message: "spool tail set aside")
        _ = try await second.logs.first(message: "spool segment drained")

        let database = try BlockingPostgresConnection(connectionString: cluster.url)
        let payments = try database.execute("SELECT count(*) FROM mpesa.payments")
        #expect(payments.rows.first?.first == "3")
        let files = try FileManager.default.contentsOfDirectory(atPath: spool)
        #expect(files.contains { $0.hasPrefix("torn-") })
        #expect(!files.contains { $0.hasPrefix("segment-") })
    }

    @Test func replayingTheSameSpoolTwiceRecordsOnce() async throws {
        let cluster = try PrivateCluster()
        defer { cluster.destroy() }
        try cluster.stop()
        let spool = try DaemonProcess.makeSpoolDirectory()
        let writer = try await DaemonProcess(
            databaseURL: cluster.url, environment: ["MPESA_SPOOL_DIR": spool],
            waitForDatabase: false)
        let body = CallbackBodies.success(checkoutRequestID: "ws_CO_twice", receipt: "UT1WI2CE3X")
        #expect(try await HTTPClient.shared.post(writer.callbackURL, body).status == 200)
        writer.signal(SIGKILL)
        _ = try await writer.waitForExit()

        // A copy of the segment stands for a crash after the commit and
        // before the segment was deleted: its records are replayed again.
        let copy = try DaemonProcess.makeSpoolDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: spool)
        where name.hasPrefix("segment-") {
            try FileManager.default.copyItem(atPath: spool + "/" + name, toPath: copy + "/" + name)
        }
        try cluster.start()
        for directory in [spool, copy] {
            let daemon = try await DaemonProcess(
                databaseURL: cluster.url, environment: ["MPESA_SPOOL_DIR": directory])
            defer { daemon.stop() }
            _ = try await daemon.logs.first(message: "spool segment drained")
        }
        let database = try BlockingPostgresConnection(connectionString: cluster.url)
        #expect(try database.execute("SELECT count(*) FROM mpesa.callbacks").rows[0][0] == "1")
        #expect(try database.execute("SELECT count(*) FROM mpesa.payments").rows[0][0] == "1")
    }

    @Test func secondDaemonOnTheSameSpoolRefusesToStart() async throws {
        let database = try TestDatabase()
        defer { database.drop() }
        let spool = try DaemonProcess.makeSpoolDirectory()
        let first = try await DaemonProcess(
            databaseURL: database.url, environment: ["MPESA_SPOOL_DIR": spool])
        defer { first.stop() }

        let second = try ChildProcess.run(
            TestEnvironment.program("mpesa-callbackd").path, [],
            environment: [
                "MPESA_DATABASE_URL": database.url, "MPESA_SPOOL_DIR": spool,
                "MPESA_CALLBACK_TOKEN": DaemonProcess.callbackToken,
                "MPESA_LISTEN": "127.0.0.1:0", "MPESA_ADMIN_LISTEN": "127.0.0.1:0",
            ])
        #expect(second.status == 1)
        #expect(second.errors.contains("another process uses this spool"))
    }

    private func setFileSizeLimit(of daemon: DaemonProcess, to limit: String) throws {
        let pid = try #require(daemon.child?.pid)
        let result = try ChildProcess.run(
            "/usr/bin/prlimit", ["--pid", "\(pid)", "--fsize=\(limit)"])
        #expect(result.status == 0, "prlimit: \(result.errors)")
    }
}
