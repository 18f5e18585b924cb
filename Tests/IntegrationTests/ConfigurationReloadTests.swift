import Foundation
import Testing

/// SIGHUP: settings read again from the credentials directory and applied
/// without a restart.
@Suite struct ConfigurationReloadTests {
    private static let oldToken = "old-callback-token-0123456789abcdefghij"
    private static let newToken = "new-callback-token-9876543210zyxwvutsrq"

    @Test func sighupAppliesANewTokenAndLogLevelAndRefusesABadConfiguration() async throws {
        let credentials = try CredentialsDirectory()
        defer { credentials.remove() }
        try credentials.write(Self.oldToken, to: "MPESA_CALLBACK_TOKEN")
        try credentials.write("info", to: "MPESA_LOG_LEVEL")
        // Empty variables count as unset, so the files are what is read.
        let environment = [
            "CREDENTIALS_DIRECTORY": credentials.path, "MPESA_CALLBACK_TOKEN": "",
            "MPESA_LOG_LEVEL": "",
        ]

        try await withDaemon(environment: environment) { daemon, database in
            let client = HTTPClient.shared
            let failure = CallbackBodies.failure(checkoutRequestID: "ws_CO_reload_1")
            #expect(
                try await client.post(daemon.callbackURL(token: Self.oldToken), failure).status
                    == 200)

            try credentials.write(Self.newToken, to: "MPESA_CALLBACK_TOKEN")
            try credentials.write("warning", to: "MPESA_LOG_LEVEL")
            try credentials.write("100", to: "MPESA_MAX_BATCH_SIZE")
            let mark = daemon.logs.all.count
            daemon.signal(SIGHUP)
            let reloaded = try await daemon.logs.first(
                message: "configuration reloaded", from: mark)
            #expect(
                LogLines.field("changed", of: reloaded) == "MPESA_LOG_LEVEL,MPESA_CALLBACK_TOKEN")
            let restart = try await daemon.logs.first(
                message: "setting changed; it takes effect at the next restart", from: mark)
            #expect(LogLines.field("setting", of: restart) == "MPESA_MAX_BATCH_SIZE")

            let afterReload = daemon.logs.all.count
            let second = CallbackBodies.failure(checkoutRequestID: "ws_CO_reload_2")
            #expect(
                try await client.post(daemon.callbackURL(token: Self.newToken), second).status
                    == 200)
            let third = CallbackBodies.failure(checkoutRequestID: "ws_CO_reload_3")
            #expect(
                try await client.post(daemon.callbackURL(token: Self.oldToken), third).status == 404
            )
            // The 404's warning is written; the 200's info line, before it, is not.
            _ = try await daemon.logs.first(message: "callback path not found", from: afterReload)
            let recorded = daemon.logs.all.dropFirst(afterReload).filter {
                LogLines.message(of: $0) == "callback recorded"
            }
            #expect(recorded.isEmpty)
            #expect(try database.count("mpesa.callbacks") == 2)

            // A token too short is refused, and the one in force stays.
            try credentials.write("too-short", to: "MPESA_CALLBACK_TOKEN")
            let badMark = daemon.logs.all.count
            daemon.signal(SIGHUP)
            let refused = try await daemon.logs.first(
                message: "configuration reload refused; the running one is kept", from: badMark)
            #expect(LogLines.field("error", of: refused)?.contains("MPESA_CALLBACK_TOKEN") == true)
            let fourth = CallbackBodies.failure(checkoutRequestID: "ws_CO_reload_4")
            #expect(
                try await client.post(daemon.callbackURL(token: Self.newToken), fourth).status
                    == 200)

            let metrics = try await client.get(daemon.adminURL("/metrics")).text
            #expect(metrics.contains(#"mpesa_configuration_reloads_total{result="applied"} 1"#))
            #expect(metrics.contains(#"mpesa_configuration_reloads_total{result="refused"} 1"#))
            let secrets = [Self.oldToken, Self.newToken, "too-short"]
            #expect(!daemon.logs.all.contains { line in secrets.contains { line.contains($0) } })
        }
    }
}

/// A directory standing in for systemd's `$CREDENTIALS_DIRECTORY`, whose
/// files a test rewrites.
struct CredentialsDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/mpesa-credentials.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestSetupError("mkdtemp failed") }
        path = String(cString: created)
    }

    /// Replaces the file `name` with `value` and a newline, atomically.
    func write(_ value: String, to name: String) throws {
        let temporary = URL(fileURLWithPath: path + "/." + name)
        try Data((value + "\n").utf8).write(to: temporary)
        guard rename(temporary.path, path + "/" + name) == 0 else {
            throw TestSetupError("rename failed: \(errno)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
