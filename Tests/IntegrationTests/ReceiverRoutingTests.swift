import Foundation
import Testing

/// Requests that never reach validation are answered and store nothing.
@Suite struct ReceiverRoutingTests {
    @Test func wrongOrMissingTokenIsNotFoundAndStoresNothing() async throws {
        try await withDaemon { daemon, database in
            let body = CallbackBodies.success(checkoutRequestID: "ws_CO_x", receipt: "UC3DE4FG5H")
            let wrongToken = String(DaemonProcess.callbackToken.dropLast()) + "X"
            for path in [
                "/stk/callback/\(wrongToken)", "/stk/callback/", "/stk/callback",
                "/stk/callback/\(DaemonProcess.callbackToken)/extra",
                "/stk/callback/\(DaemonProcess.callbackToken)x", "/", "/healthz",
            ] {
                let response = try await HTTPClient.shared.post(daemon.publicURL(path), body)
                #expect(response.status == 404, "\(path)")
            }
            #expect(try database.count("mpesa.callbacks") == 0)
            #expect(try database.count("mpesa.rejected_callbacks") == 0)
            // The wrong token never appears in the logs.
            #expect(!daemon.logs.all.contains { $0.contains(wrongToken) })
            #expect(!daemon.logs.all.contains { $0.contains(DaemonProcess.callbackToken) })
        }
    }

    @Test func methodsOtherThanPostAreRefused() async throws {
        try await withDaemon { daemon, database in
            for method in ["GET", "PUT", "DELETE", "PATCH"] {
                let response = try await HTTPClient.shared.send(method, daemon.callbackURL)
                #expect(response.status == 405, "\(method)")
                #expect(response.headers["allow"] == "POST")
            }
            #expect(try database.count("mpesa.rejected_callbacks") == 0)
        }
    }

    @Test func adminListenerAnswersHealthAndReadiness() async throws {
        try await withDaemon { daemon, database in
            #expect(try await HTTPClient.shared.get(daemon.adminURL("/healthz")).status == 200)
            let ready = try await HTTPClient.shared.get(daemon.adminURL("/readyz"))
            #expect(ready.status == 200)
            #expect(ready.text.contains(#""database":"ready""#))
            #expect(try await HTTPClient.shared.get(daemon.adminURL("/nothing")).status == 404)
            let wrongMethod = try await HTTPClient.shared.send("POST", daemon.adminURL("/healthz"))
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["allow"] == "GET")
            // The callback route does not exist on the admin listener.
            let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_admin")
            let path = "/stk/callback/\(DaemonProcess.callbackToken)"
            #expect(try await HTTPClient.shared.post(daemon.adminURL(path), body).status == 404)
        }
    }
}
