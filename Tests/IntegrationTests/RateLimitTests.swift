import Foundation
import Testing

/// The per-source rate limit on the public listener, and the limit on the
/// admin API's authentication failures.
@Suite struct RateLimitTests {
    @Test func aSourceOverItsRateGets429AndSafaricomNever() async throws {
        let environment = [
            // One token back every 1,000 s: the test is over long before.
            "MPESA_TRUSTED_PROXIES": "127.0.0.1", "MPESA_RATE_LIMIT": "0.001",
            "MPESA_RATE_LIMIT_BURST": "3",
        ]
        try await withDaemon(environment: environment) { daemon, database in
            var sent = 0
            func post(as source: String?) async throws -> (status: Int, body: String)? {
                sent += 1
                let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_rate_\(sent)")
                let headers = source.map { [("X-Forwarded-For", $0)] } ?? []
                return try await daemon.postCallback(body, headers: headers)
            }

            var flooding: [Int] = []
            for _ in 0..<5 {
                flooding.append(try await post(as: "203.0.113.50")?.status ?? 0)
            }
            #expect(flooding == [200, 200, 200, 429, 429])
            let limited = try await post(as: "203.0.113.50")
            #expect(limited?.body == #"{"error":"rate_limited"}"#)
            #expect(try await post(as: "203.0.113.51")?.status == 200)

            // Safaricom's published address, another in its blocks, and loopback
            // (a proxy that sent no header) are never limited.
            for source in ["196.201.212.69", "196.201.214.209", nil] {
                for _ in 0..<6 {
                    #expect(try await post(as: source)?.status == 200, "\(source ?? "loopback")")
                }
            }

            #expect(try database.count("mpesa.callbacks") == 3 + 1 + 18)
            let line = try await daemon.logs.first(message: "callback sources rate limited")
            #expect(LogLines.field("source", of: line) == "203.0.113.50")
            let metrics = try await daemon.metrics()
            #expect(
                metrics[#"mpesa_requests_refused_total{listener="public",reason="rate_limited"}"#]
                    == 3)
        }
    }

    @Test func repeatedAdminAuthenticationFailuresAreRefusedEvenWithTheRightToken() async throws {
        let token = "admin-token-0123456789abcdefghijklmnopq"
        try await withDaemon(environment: ["MPESA_ADMIN_TOKEN": token]) { daemon, _ in
            let client = HTTPClient.shared
            let url = daemon.adminURL("/v1/payments")
            #expect(
                try await client.get(url, headers: ["Authorization": "Bearer \(token)"]).status
                    == 200)

            var statuses: [Int] = []
            for attempt in 0..<12 {
                let guess = ["Authorization": "Bearer wrong-\(attempt)"]
                statuses.append(try await client.get(url, headers: guess).status)
            }
            #expect(statuses == Array(repeating: 401, count: 10) + [429, 429])
            let right = try await client.get(url, headers: ["Authorization": "Bearer \(token)"])
            #expect(right.status == 429)
            #expect(right.headers["retry-after"] == "60")
            // The unauthenticated routes stay open.
            #expect(try await client.get(daemon.adminURL("/healthz")).status == 200)

            let line = try await daemon.logs.first(
                message: "admin requests refused after repeated authentication failures")
            #expect(LogLines.field("source", of: line) == "127.0.0.1")
            let metrics = try await daemon.metrics()
            #expect(
                metrics[#"mpesa_requests_refused_total{listener="admin",reason="unauthorized"}"#]
                    == 10)
            let limited =
                #"mpesa_requests_refused_total{listener="admin",reason="authentication_limited"}"#
            #expect(metrics[limited] == 3)
            #expect(!daemon.logs.all.contains { $0.contains(token) })
        }
    }
}
