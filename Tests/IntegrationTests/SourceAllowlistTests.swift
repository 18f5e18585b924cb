import Foundation
import Testing

/// `MPESA_ALLOWED_SOURCES` and `MPESA_TRUSTED_PROXIES` against a real daemon:
/// a forged callback from elsewhere is refused and stores nothing, however it
/// dresses up its `X-Forwarded-For`.
@Suite struct SourceAllowlistTests {
    private static let safaricom = "196.201.212.69"

    @Test func aForgedSuccessFromOutsideTheAllowlistIsForbiddenAndStoresNothing() async throws {
        try await withDaemon(environment: ["MPESA_ALLOWED_SOURCES": "safaricom"]) {
            daemon, database in
            let forged = CallbackBodies.success(
                checkoutRequestID: "ws_CO_forged_1", receipt: "UF1AB2CD3E", amount: "5000.00")
            let client = HTTPClient.shared

            let response = try await client.post(daemon.callbackURL, forged)
            #expect(response.status == 403)
            #expect(response.text == #"{"error":"forbidden"}"#)
            // A wrong token gets the same answer: an outsider learns nothing of it.
            #expect(try await client.post(daemon.callbackURL(token: "guess"), forged).status == 403)

            for table in ["mpesa.callbacks", "mpesa.payments", "mpesa.rejected_callbacks"] {
                #expect(try database.count(table) == 0, "\(table)")
            }
            let line = try await daemon.logs.first(message: "callback source not allowed")
            #expect(LogLines.field("source", of: line) == "127.0.0.1")
            let metrics = try await daemon.metrics()
            let refused =
                #"mpesa_requests_refused_total{listener="public",reason="source_not_allowed"}"#
            #expect(metrics[refused] == 2)
        }
    }

    @Test func aSpoofedForwardedForDoesNotGetThroughATrustedProxy() async throws {
        let environment = [
            "MPESA_ALLOWED_SOURCES": "safaricom", "MPESA_TRUSTED_PROXIES": "127.0.0.1",
        ]
        try await withDaemon(environment: environment) { daemon, database in
            let attempts: [(from: String, forwardedFor: [String])] = [
                // A client that is not the proxy: its header is not read at all.
                ("127.0.0.2", [Self.safaricom]),
                // Through a proxy that appends: the client wrote the left entry.
                ("127.0.0.1", ["\(Self.safaricom), 203.0.113.9"]),
                // Two headers are one list, the second written last.
                ("127.0.0.1", [Self.safaricom, "203.0.113.9"]),
                // An entry that is not an address leaves the proxy as the source.
                ("127.0.0.1", ["\(Self.safaricom), not-an-address"]),
                ("127.0.0.1", ["\(Self.safaricom):443"]),
                // No header: the proxy itself, which is not allowed.
                ("127.0.0.1", []),
            ]
            for (index, attempt) in attempts.enumerated() {
                let body = CallbackBodies.success(
                    checkoutRequestID: "ws_CO_spoof_\(index)",
                    receipt: CallbackBodies.receipt(index, prefix: "S"))
                let answer = try await daemon.postCallback(
                    body, headers: attempt.forwardedFor.map { ("X-Forwarded-For", $0) },
                    from: attempt.from)
                #expect(answer?.status == 403, "attempt \(index)")
            }
            #expect(try database.count("mpesa.callbacks") == 0)
            #expect(try database.count("mpesa.payments") == 0)
            let first = try await daemon.logs.first(message: "callback source not allowed")
            #expect(LogLines.field("source", of: first) == "127.0.0.2")

            // What the proxy appended is believed: Safaricom's own callback gets in,
            // recorded with its address, whatever the client wrote before it.
            let real = CallbackBodies.success(
                checkoutRequestID: "ws_CO_real", receipt: "UR1AB2CD3E")
            let answer = try await daemon.postCallback(
                real, headers: [("X-Forwarded-For", "203.0.113.9, \(Self.safaricom)")])
            #expect(answer?.status == 200)
            #expect(
                try database.scalar("SELECT host(source_address) FROM mpesa.callbacks")
                    == Self.safaricom)
        }
    }

    @Test func anIPv4MappedPeerIsMatchedAndStoredAsIPv4() async throws {
        // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d.
        let environment = ["MPESA_LISTEN": "[::]:0", "MPESA_ALLOWED_SOURCES": "127.0.0.1"]
        try await withDaemon(environment: environment) { daemon, database in
            let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_mapped")
            let status = try await HTTPClient.shared.post(daemon.callbackURL, body).status
            let stored = try database.scalar("SELECT source_address::text FROM mpesa.callbacks")
            #expect(status == 200)
            #expect(stored == "127.0.0.1/32")
        }
    }

    @Test func aReloadAppliesTheAllowlistAndTheTrustedProxies() async throws {
        let credentials = try CredentialsDirectory()
        defer { credentials.remove() }
        try credentials.write(DaemonProcess.callbackToken, to: "MPESA_CALLBACK_TOKEN")
        try credentials.write("safaricom", to: "MPESA_ALLOWED_SOURCES")
        let environment = [
            "CREDENTIALS_DIRECTORY": credentials.path, "MPESA_CALLBACK_TOKEN": "",
            "MPESA_RATE_LIMIT": "0.001", "MPESA_RATE_LIMIT_BURST": "1",
        ]
        try await withDaemon(environment: environment) { daemon, database in
            let through = [("X-Forwarded-For", "203.0.113.50")]
            let before = CallbackBodies.failure(checkoutRequestID: "ws_CO_reload_before")
            #expect(try await daemon.postCallback(before, headers: through)?.status == 403)

            try credentials.write("safaricom, 203.0.113.0/24", to: "MPESA_ALLOWED_SOURCES")
            try credentials.write("127.0.0.1", to: "MPESA_TRUSTED_PROXIES")
            let mark = daemon.logs.all.count
            daemon.signal(SIGHUP)
            let reloaded = try await daemon.logs.first(
                message: "configuration reloaded", from: mark)
            #expect(
                LogLines.field("changed", of: reloaded)
                    == "MPESA_ALLOWED_SOURCES,MPESA_TRUSTED_PROXIES")

            // Allowed now, and so never rate limited, though its bucket holds one.
            for index in 0..<5 {
                let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_reload_\(index)")
                #expect(try await daemon.postCallback(body, headers: through)?.status == 200)
            }
            #expect(
                try database.count(
                    "mpesa.callbacks", where: "host(source_address) = '203.0.113.50'")
                    == 5)
        }
    }
}
