import Foundation
import Testing

/// The read API: authenticated, keyset-paged, filtered, exact.
@Suite struct ReadAPITests {
    static let adminToken = "test-admin-token-abcdefghijklmnopqrstuvwxyz0123"
    static let authorization = ["Authorization": "Bearer \(adminToken)"]

    private func withReadDaemon(
        _ body: (DaemonProcess, TestDatabase) async throws -> Void
    ) async throws {
        try await withDaemon(environment: ["MPESA_ADMIN_TOKEN": Self.adminToken], body)
    }

    private func getJSON(_ daemon: DaemonProcess, _ path: String) async throws -> [String: Any] {
        let response = try await HTTPClient.shared.get(
            daemon.adminURL(path), headers: Self.authorization)
        #expect(response.status == 200, "\(path): \(response.text)")
        return try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    @Test func routesAreOffWithoutAnAdminToken() async throws {
        try await withDaemon { daemon, _ throws in
            let response = try await HTTPClient.shared.get(
                daemon.adminURL("/v1/callbacks"), headers: Self.authorization)
            #expect(response.status == 404)
        }
    }

    @Test func aMissingOrWrongTokenIsUnauthorized() async throws {
        try await withReadDaemon { daemon, _ throws in
            let missing = try await HTTPClient.shared.get(daemon.adminURL("/v1/callbacks"))
            #expect(missing.status == 401)
            let wrong = try await HTTPClient.shared.get(
                daemon.adminURL("/v1/payments"),
                headers: ["Authorization": "Bearer \(Self.adminToken.dropLast())x"])
            #expect(wrong.status == 401)
            #expect(!daemon.logs.all.contains { $0.contains(Self.adminToken) })
        }
    }

    @Test func followingNextCursorReturnsEveryCallbackOnceNewestFirst() async throws {
        try await withReadDaemon { daemon, database in
            for index in 0..<250 {
                let body =
                    index % 5 == 0
                    ? CallbackBodies.failure(checkoutRequestID: CallbackBodies.checkoutID(index))
                    : CallbackBodies.success(
                        checkoutRequestID: CallbackBodies.checkoutID(index),
                        receipt: CallbackBodies.receipt(index), amount: "\(index).25")
                #expect(try await HTTPClient.shared.post(daemon.callbackURL, body).status == 200)
            }

            var seen: [Int] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/v1/callbacks?limit=100" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await getJSON(daemon, path)
                let items = try #require(page["callbacks"] as? [[String: Any]])
                seen += items.compactMap { $0["id"] as? Int }
                cursor = page["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10

            #expect(pages == 3)
            #expect(seen.count == 250)
            #expect(Set(seen).count == 250)
            #expect(seen == seen.sorted(by: >), "newest first")
            let stored = try database.count("mpesa.callbacks")
            #expect(stored == 250)
        }
    }

    @Test func successesCarryTheirPaymentInKenyanTime() async throws {
        try await withReadDaemon { daemon, _ throws in
            let body = CallbackBodies.success(
                checkoutRequestID: "ws_CO_read1", receipt: "UR1EA2DB3C", amount: "1500.50",
                transactionDate: "20260101233000")
            #expect(try await HTTPClient.shared.post(daemon.callbackURL, body).status == 200)

            let page = try await getJSON(daemon, "/v1/callbacks")
            let item = try #require((page["callbacks"] as? [[String: Any]])?.first)
            #expect(item["checkout_request_id"] as? String == "ws_CO_read1")
            #expect(item["result_code"] as? String == "0")
            let payment = try #require(item["payment"] as? [String: Any])
            #expect(payment["amount"] as? String == "1500.50")
            #expect(payment["mpesa_receipt_number"] as? String == "UR1EA2DB3C")
            #expect(payment["transaction_time"] as? String == "2026-01-01T23:30:00+03:00")
            #expect((item["received_at"] as? String)?.hasSuffix("Z") == true)

            let one = try await getJSON(daemon, "/v1/callbacks/ws_CO_read1")
            #expect((one["deliveries"] as? [[String: Any]])?.count == 1)
            let paid = try #require(one["payment"] as? [String: Any])
            #expect(paid["amount"] as? String == "1500.50")
            #expect(paid["review_reason"] is String, "no STK request was recorded for it")

            let payments = try await getJSON(daemon, "/v1/payments")
            #expect((payments["payments"] as? [[String: Any]])?.count == 1)

            let unknown = try await HTTPClient.shared.get(
                daemon.adminURL("/v1/callbacks/ws_CO_nothing"), headers: Self.authorization)
            #expect(unknown.status == 404)
        }
    }

    @Test func filtersSelectExactly() async throws {
        try await withReadDaemon { daemon, _ throws in
            let bodies = [
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_f1", receipt: "UF1AA2BB3C", phone: "254700000001"),
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_f2", receipt: "UF2AA2BB3C", phone: "254700000002"),
                CallbackBodies.failure(checkoutRequestID: "ws_CO_f3", resultCode: 1037),
            ]
            for body in bodies {
                #expect(try await HTTPClient.shared.post(daemon.callbackURL, body).status == 200)
            }
            #expect(try await ids(daemon, "/v1/callbacks?result_code=1037") == ["ws_CO_f3"])
            #expect(try await ids(daemon, "/v1/callbacks?phone=254700000002") == ["ws_CO_f2"])
            #expect(try await ids(daemon, "/v1/callbacks?since=2000-01-01T00:00:00Z").count == 3)
            #expect(
                try await ids(daemon, "/v1/callbacks?until=2000-01-01T00:00:00%2B03:00").isEmpty)
        }
    }

    private func ids(_ daemon: DaemonProcess, _ path: String) async throws -> [String] {
        let page = try await getJSON(daemon, path)
        return (page["callbacks"] as? [[String: Any]] ?? [])
            .compactMap { $0["checkout_request_id"] as? String }
    }

    @Test func badParametersAreNamed() async throws {
        try await withReadDaemon { daemon, _ throws in
            for (query, name) in [
                ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"),
                ("cursor=bm90LWEtY3Vyc29y", "cursor"), ("since=yesterday", "since"),
                ("until=2026-13-01T00:00:00Z", "until"), ("colour=blue", "colour"),
                ("limit=5&limit=6", "limit"),
            ] {
                let response = try await HTTPClient.shared.get(
                    daemon.adminURL("/v1/callbacks?\(query)"), headers: Self.authorization)
                #expect(response.status == 400, "\(query)")
                #expect(
                    response.text.contains("\"reason\":\"\(name):"), "\(query): \(response.text)")
            }
            // A payments cursor is not a callbacks cursor.
            let payments = PageCursorText.make(kind: "payments", id: 5)
            let crossed = try await HTTPClient.shared.get(
                daemon.adminURL("/v1/callbacks?cursor=\(payments)"), headers: Self.authorization)
            #expect(crossed.status == 400)
        }
    }
}

/// Builds cursors the way the daemon does, for tests of misuse.
enum PageCursorText {
    static func make(kind: String, id: Int) -> String {
        Data("\(kind):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
