import Foundation
import Testing

/// Rotating the callback and admin tokens without downtime: the previous
/// value is accepted beside the current one until it is removed.
@Suite struct TokenRotationTests {
    private static let oldToken = "old-callback-token-0123456789abcdefghij"
    private static let newToken = "new-callback-token-9876543210zyxwvutsrq"
    private static let oldAdmin = "old-admin-token-0123456789abcdefghijkl"
    private static let newAdmin = "new-admin-token-9876543210zyxwvutsrqpo"

    @Test func bothTokensAreAcceptedAndThePreviousOneIsNoticed() async throws {
        let environment = [
            "MPESA_CALLBACK_TOKEN": Self.newToken, "MPESA_CALLBACK_TOKEN_PREVIOUS": Self.oldToken,
            "MPESA_ADMIN_TOKEN": Self.newAdmin, "MPESA_ADMIN_TOKEN_PREVIOUS": Self.oldAdmin,
        ]
        try await withDaemon(environment: environment) { daemon, database in
            let client = HTTPClient.shared
            for (index, token) in [Self.newToken, Self.oldToken, Self.oldToken].enumerated() {
                let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_rotation_\(index)")
                #expect(try await client.post(daemon.callbackURL(token: token), body).status == 200)
            }
            let wrong = CallbackBodies.failure(checkoutRequestID: "ws_CO_rotation_wrong")
            #expect(
                try await client.post(daemon.callbackURL(token: "x" + Self.oldToken), wrong)
                    .status == 404)
            #expect(try database.count("mpesa.callbacks") == 3)

            let url = daemon.adminURL("/v1/callbacks")
            for token in [Self.newAdmin, Self.oldAdmin] {
                let headers = ["Authorization": "Bearer \(token)"]
                #expect(try await client.get(url, headers: headers).status == 200)
            }

            // One notice for the two uses: operators learn the old URL is still in
            // use without a line per callback.
            let notice = try await daemon.logs.first(
                message: "callback used the previous token; Safaricom still has the old URL")
            #expect(notice.hasPrefix("<5>"))
            let notices = daemon.logs.all.filter {
                LogLines.message(of: $0)
                    == "callback used the previous token; Safaricom still has the old URL"
            }
            #expect(notices.count == 1)
            _ = try await daemon.logs.first(message: "admin request used the previous admin token")
            let metrics = try await daemon.metrics()
            #expect(metrics[#"mpesa_previous_token_requests_total{token="callback"}"#] == 2)
            #expect(metrics[#"mpesa_previous_token_requests_total{token="admin"}"#] == 1)
            let secrets = [Self.oldToken, Self.newToken, Self.oldAdmin, Self.newAdmin]
            #expect(!daemon.logs.all.contains { line in secrets.contains { line.contains($0) } })
        }
    }

    @Test func aRotationIsAppliedByReloadsWithoutARestart() async throws {
        let credentials = try CredentialsDirectory()
        defer { credentials.remove() }
        try credentials.write(Self.oldToken, to: "MPESA_CALLBACK_TOKEN")
        let environment = ["CREDENTIALS_DIRECTORY": credentials.path, "MPESA_CALLBACK_TOKEN": ""]

        try await withDaemon(environment: environment) { daemon, database in
            var sent = 0
            func post(with token: String) async throws -> Int {
                sent += 1
                let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_rotate_\(sent)")
                return try await HTTPClient.shared.post(daemon.callbackURL(token: token), body)
                    .status
            }
            func reload() async throws -> String? {
                let mark = daemon.logs.all.count
                daemon.signal(SIGHUP)
                let line = try await daemon.logs.first(
                    message: "configuration reloaded", from: mark)
                return LogLines.field("changed", of: line)
            }
            #expect(try await post(with: Self.oldToken) == 200)

            // Step 1: the new token in force, the old one kept for the pushes in flight.
            try credentials.write(Self.newToken, to: "MPESA_CALLBACK_TOKEN")
            try credentials.write(Self.oldToken, to: "MPESA_CALLBACK_TOKEN_PREVIOUS")
            #expect(try await reload() == "MPESA_CALLBACK_TOKEN,MPESA_CALLBACK_TOKEN_PREVIOUS")
            #expect(try await post(with: Self.newToken) == 200)
            #expect(try await post(with: Self.oldToken) == 200)

            // Step 2: once no callback uses it, the old token goes.
            try credentials.write("", to: "MPESA_CALLBACK_TOKEN_PREVIOUS")
            #expect(try await reload() == "MPESA_CALLBACK_TOKEN_PREVIOUS")
            #expect(try await post(with: Self.oldToken) == 404)
            #expect(try await post(with: Self.newToken) == 200)
            #expect(try database.count("mpesa.callbacks") == 4)
        }
    }
}
