import Foundation
import MpesaCore
import Testing

/// Pushes from `mpesa-stk` and the admin API, through `daraja-sim`, settled
/// by its callbacks in the daemon: real processes and a real PostgreSQL.
@Suite struct SenderEndToEndTests {
    /// One phone per simulated outcome, with the state and result code its
    /// request ends in and the callbacks the simulator posts.
    private static let outcomes: [(phone: String, state: String, code: String?, callbacks: Int)] = [
        ("0708374149", "paid", "0", 1), ("0700000001", "failed", "1", 1),
        ("0700001019", "failed", "1019", 1), ("0700001032", "failed", "1032", 1),
        ("0700001037", "failed", "1037", 1), ("0700002001", "failed", "2001", 1),
        ("0700009992", "paid", "0", 2), ("0700009990", "accepted", nil, 0),
    ]

    @Test func everySimulatedOutcomeEndsInItsRowsAndState() async throws {
        try await withSenderStack { stack in
            var checkoutIDs: [String] = []
            for (index, outcome) in Self.outcomes.enumerated() {
                // A host far from Kenya: the simulator refuses a timestamp
                // that is not Kenyan time.
                let pushed = try await stack.push(
                    phone: outcome.phone, reference: "INV\(index)",
                    environment: ["TZ": "America/Los_Angeles"])
                #expect(pushed.status == 0, "\(outcome.phone): \(pushed.errors)")
                #expect(pushed.request["state"]?.stringValue == "accepted")
                let id = try #require(pushed.request["checkout_request_id"]?.stringValue)
                checkoutIDs.append(id)
            }

            for (outcome, id) in zip(Self.outcomes, checkoutIDs) {
                if outcome.callbacks == 0 {
                    _ = try await stack.simulator.logs.first { line in
                        LogLines.message(of: line) == "callback withheld"
                            && LogLines.field("checkout_request_id", of: line) == id
                    }
                } else {
                    try await stack.simulator.callbackDelivered(id, times: outcome.callbacks)
                }
                let request = try stack.request(id)
                #expect(request.state == outcome.state, "\(outcome.phone)")
                #expect(request.resultCode == outcome.code, "\(outcome.phone)")
                #expect(
                    try stack.database.count(
                        "mpesa.callbacks", where: "checkout_request_id = $1", [.text(id)])
                        == outcome.callbacks, "\(outcome.phone)")
                let payments = try stack.database.scalar(
                    "SELECT string_agg(amount::text, ',') FROM mpesa.payments "
                        + "WHERE checkout_request_id = $1 AND review_reason IS NULL", [.text(id)])
                #expect(payments == (outcome.code == "0" ? "10.00" : nil), "\(outcome.phone)")
            }

            // Nine processes, one token: each found the one the first stored.
            let cancelled = checkoutIDs[3]
            let query = try await stack.stk(["query", cancelled])
            #expect(query.status == 0, "\(query.errors)")
            let answer = try jsonObject(query.output)
            #expect(answer["status"]?.stringValue == "completed")
            #expect(answer["result_code"]?.stringValue == "1032")
            #expect(stack.simulator.count("access token issued") == 1)

            // Phone numbers and secrets stay out of every log line.
            for line in stack.allLogs {
                #expect(!line.contains("254708374149") && !line.contains("0708374149"))
                for secret in SimulatorProcess.credentials.values where secret != "174379" {
                    #expect(!line.contains(secret))
                }
                #expect(!line.contains(DaemonProcess.callbackToken))
            }
        }
    }

    @Test func pushThroughTheAdminAPIIsPaidAndReadBack() async throws {
        try await withSenderStack { stack in
            let response = try await stack.pushThroughAPI(
                #"{"phone":"0708374149","amount":10,"reference":"INV001","description":"Order"}"#)
            #expect(response.status == 201, "\(response.text)")
            let request = try jsonObject(response.text)
            #expect(request["state"]?.stringValue == "accepted")
            #expect(request["amount"] == .number(try #require(JSONNumber(text: "10.00"))))
            let id = try #require(request["checkout_request_id"]?.stringValue)

            try await stack.simulator.callbackDelivered(id)
            let read = try await HTTPClient.shared.get(
                stack.daemon.adminURL("/v1/stk-pushes/\(id)"),
                headers: ["Authorization": "Bearer \(SenderStack.adminToken)"])
            #expect(read.status == 200)
            let settled = try jsonObject(read.text)
            #expect(settled["state"]?.stringValue == "paid")
            #expect(settled["result_code"]?.stringValue == "0")
            #expect(settled["settled_by"]?.stringValue == "callback")
            #expect(
                try stack.database.scalar(
                    "SELECT amount::text FROM mpesa.payments WHERE checkout_request_id = $1",
                    [.text(id)]) == "10.00")
        }
    }

    @Test func adminAPIRefusesWhatItCannotSend() async throws {
        try await withSenderStack { stack in
            let unauthorized = try await HTTPClient.shared.send(
                "POST", stack.daemon.adminURL("/v1/stk-pushes"),
                body: Data(#"{"phone":"0708374149","amount":10,"reference":"A"}"#.utf8))
            #expect(unauthorized.status == 401)

            let invalid = try await stack.pushThroughAPI(
                #"{"phone":"0208374149","amount":"10.50","reference":"INV#1"}"#)
            #expect(invalid.status == 400)
            let problems = try jsonObject(invalid.text)["problems"]?.arrayValue ?? []
            #expect(
                problems.compactMap { $0["field"]?.stringValue } == [
                    "phone", "amount", "reference",
                ])
            #expect(!invalid.text.contains("0208374149"))

            let mistyped = try await stack.pushThroughAPI(
                #"{"phone":254708374149,"amount":10,"reference":"A","extra":1}"#)
            #expect(mistyped.status == 400)
            for body in ["", "[]", "not json"] {
                #expect(try await stack.pushThroughAPI(body).status == 400, "\(body)")
            }
            #expect(try stack.database.count("mpesa.stk_requests") == 0)

            let unknown = try await HTTPClient.shared.get(
                stack.daemon.adminURL("/v1/stk-pushes/ws_CO_none"),
                headers: ["Authorization": "Bearer \(SenderStack.adminToken)"])
            #expect(unknown.status == 404)
        }
    }

    @Test func tokenInvalidatedBehindTheSendersBackIsRecoveredWithOneRefresh() async throws {
        try await withSenderStack { stack in
            let body = #"{"phone":"0708374149","amount":10,"reference":"INV001"}"#
            #expect(try await stack.pushThroughAPI(body).status == 201)
            #expect(stack.simulator.count("access token issued") == 1)

            // Four pushes at once meet the invalidated token; one refresh
            // serves them all.
            try await stack.simulator.invalidateToken()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await stack.pushThroughAPI(body).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == [201, 201, 201, 201])

            #expect(stack.simulator.count("access token issued") == 2)
            let refusals = stack.simulator.count("request refused") {
                LogLines.field("error_code", of: $0) == "404.001.03"
            }
            #expect((1...4).contains(refusals))
            #expect(
                try stack.database.scalar("SELECT generation::text FROM mpesa.daraja_tokens") == "2"
            )
            // Accepted by Daraja, whether or not a callback has settled them since.
            #expect(
                try stack.database.count(
                    "mpesa.stk_requests", where: "checkout_request_id IS NOT NULL") == 5)
        }
    }

    @Test func pushWithoutAnAnswerIsUnknownAndSentOnce() async throws {
        try await withSenderStack { stack in
            let pushed = try await stack.push(
                phone: "0700009991", environment: ["DARAJA_TIMEOUT": "1s"])
            #expect(pushed.status == 75)
            #expect(pushed.request["state"]?.stringValue == "unknown")
            #expect(pushed.request["error_code"]?.stringValue == "timeout")
            #expect(pushed.request["checkout_request_id"] == .null)
            #expect(pushed.errors.contains("not sent again"))
            #expect(stack.simulator.count("stk push accepted") == 1)
            #expect(try stack.database.count("mpesa.stk_requests") == 1)
        }
    }

    @Test func pushThatCannotConnectIsRefusedAsNeverSent() async throws {
        try await withSenderStack { stack in
            // A first push stores the shared token, so that only the push
            // itself meets the closed port.
            #expect(try await stack.push(phone: "0708374149").status == 0)

            let closed = try ClosedLoopbackPort()
            let pushed = try await stack.push(
                phone: "0708374149", reference: "INV002",
                environment: ["DARAJA_BASE_URL": "http://127.0.0.1:\(closed.port)"])
            withExtendedLifetime(closed) {}
            #expect(pushed.status == 1)
            #expect(pushed.request["state"]?.stringValue == "refused")
            #expect(pushed.request["error_code"]?.stringValue == "connection_failed")
            #expect(pushed.errors.contains("connection_failed"))
        }
    }

    @Test func pushDarajaRefusesExitsNonZeroWithDarajasError() async throws {
        try await withSenderStack { stack in
            let pushed = try await stack.push(
                phone: "0708374149", environment: ["DARAJA_PASSKEY": "not-the-passkey"])
            #expect(pushed.status == 1)
            #expect(pushed.request["state"]?.stringValue == "refused")
            #expect(pushed.request["error_code"]?.stringValue == "500.001.1001")
            #expect(pushed.errors.contains("500.001.1001 Wrong credentials"))
            #expect(!pushed.errors.contains("not-the-passkey"))
        }
    }
}
