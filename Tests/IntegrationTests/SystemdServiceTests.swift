import Foundation
import Testing

/// The daemon as systemd runs it: notifications on `NOTIFY_SOCKET`, the
/// watchdog, and listening sockets passed through `LISTEN_FDS`.
@Suite struct SystemdServiceTests {
    @Test func notifiesReadyThenWatchdogPingsThenStoppingOnSigterm() async throws {
        let notify = try NotifySocket()
        defer { notify.close() }
        let messages = notify.messages
        let environment = ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"]

        try await withDaemon(environment: environment) { daemon, _ in
            _ = try await messages.first { $0 == "READY=1" }
            // Ready means that a callback can be made durable right now.
            #expect(try await HTTPClient.shared.get(daemon.adminURL("/readyz")).status == 200)
            // At start the database is not connected yet: the spool is what
            // makes the service ready.
            let beforeReady = messages.all.prefix { $0 != "READY=1" }
            #expect(
                beforeReady.contains {
                    $0.hasPrefix(
                        "STATUS=Serving; the database is unavailable: callbacks go to the spool")
                }, "\(beforeReady)")

            // Two pings after READY=1: the loop timer keeps sending them.
            let afterReady = messages.all.count
            _ = try await messages.first(from: afterReady) { $0 == "WATCHDOG=1" }
            let afterFirstPing = messages.all.count
            _ = try await messages.first(from: afterFirstPing) { $0 == "WATCHDOG=1" }

            daemon.signal(SIGTERM)
            _ = try await messages.first(from: afterFirstPing) { $0 == "STOPPING=1" }
            let status = try await daemon.waitForExit()
            #expect(status == 0, "\(daemon.logs.all)")
            #expect(messages.all.filter { $0 == "READY=1" }.count == 1)
            #expect(messages.all.contains("STATUS=Serving; callbacks are recorded in the database"))
            #expect(messages.all.contains { $0.hasPrefix("STATUS=Stopping; ") })
        }
    }

    @Test func servesACallbackOnASocketPassedBySystemd() async throws {
        let socket = try ListeningSocket()
        let database = try TestDatabase()
        defer { database.drop() }
        // Binding MPESA_LISTEN would fail, the port being taken: only the
        // passed socket can serve.
        let daemon = try await DaemonProcess(
            databaseURL: database.url, environment: ["MPESA_LISTEN": "127.0.0.1:\(socket.port)"],
            passedSockets: [(fd: socket.fd, name: "public")])
        defer { daemon.stop() }

        #expect(daemon.publicPort == socket.port)
        let listening = daemon.logs.all.filter { LogLines.message(of: $0) == "listening" }
        let origins = Dictionary(
            uniqueKeysWithValues: listening.compactMap { line in
                LogLines.field("listener", of: line).map {
                    ($0, LogLines.field("socket", of: line))
                }
            })
        #expect(origins == ["public": "passed", "admin": "bound"])

        let body = CallbackBodies.success(checkoutRequestID: "ws_CO_passed", receipt: "UP4SS3D0K1")
        let response = try await HTTPClient.shared.post(daemon.callbackURL, body)
        #expect(response.status == 200)
        #expect(
            try database.count("mpesa.payments", where: "checkout_request_id = 'ws_CO_passed'") == 1
        )
    }

    @Test func servesBothListenersOnSocketsPassedBySystemd() async throws {
        let publicSocket = try ListeningSocket()
        let adminSocket = try ListeningSocket()
        let database = try TestDatabase()
        defer { database.drop() }
        // Both configured addresses are taken, by the passed sockets themselves.
        let daemon = try await DaemonProcess(
            databaseURL: database.url,
            environment: [
                "MPESA_LISTEN": "127.0.0.1:\(publicSocket.port)",
                "MPESA_ADMIN_LISTEN": "127.0.0.1:\(adminSocket.port)",
            ],
            passedSockets: [
                (fd: publicSocket.fd, name: "public"), (fd: adminSocket.fd, name: "admin"),
            ])
        defer { daemon.stop() }

        #expect(daemon.publicPort == publicSocket.port)
        #expect(daemon.adminPort == adminSocket.port)
        let origins = daemon.logs.all.filter { LogLines.message(of: $0) == "listening" }
            .compactMap { line in
                LogLines.field("listener", of: line).map {
                    ($0, LogLines.field("socket", of: line))
                }
            }
        #expect(
            Dictionary(uniqueKeysWithValues: origins) == ["public": "passed", "admin": "passed"])
        #expect(try await HTTPClient.shared.get(daemon.adminURL("/readyz")).status == 200)
    }

    @Test func refusesToStartWithAPassedSocketItCannotPlace() throws {
        let socket = try ListeningSocket()
        let result = try ChildProcess.run(
            TestEnvironment.program("mpesa-callbackd").path,
            environment: [
                "MPESA_CALLBACK_TOKEN": DaemonProcess.callbackToken,
                "MPESA_ADMIN_LISTEN": "127.0.0.1:0",
                // The spool opens first; its default lies under .local in the
                // working directory, which need not exist.
                "MPESA_SPOOL_DIR": try DaemonProcess.makeSpoolDirectory(),
            ],
            passedSockets: [(fd: socket.fd, name: "mpesa-callbackd.socket")])

        #expect(result.status == 1)
        let line = result.errors.split(separator: "\n").first {
            LogLines.message(of: String($0)) == "cannot start"
        }
        let error = line.flatMap { LogLines.field("error", of: String($0)) } ?? ""
        #expect(error.contains("\"mpesa-callbackd.socket\""), "\(result.errors)")
        #expect(error.contains("FileDescriptorName="))
    }
}
