import Foundation
import Testing

/// Many callbacks at once: each delivery a row, each payment once.
@Suite struct ReceiverConcurrencyTests {
    @Test func thousandDistinctConcurrentCallbacksGiveThousandRows() async throws {
        try await withDaemon { daemon, database in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        let body =
                            index % 10 < 7
                            ? CallbackBodies.success(
                                checkoutRequestID: CallbackBodies.checkoutID(index),
                                receipt: CallbackBodies.receipt(index))
                            : CallbackBodies.failure(
                                checkoutRequestID: CallbackBodies.checkoutID(index))
                        return try await HTTPClient.shared.post(daemon.callbackURL, body).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }

            #expect(statuses.count == 1_000)
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(try database.count("mpesa.callbacks") == 1_000)
            #expect(try database.count("mpesa.payments") == 700)
            #expect(
                try database.count(
                    "(SELECT DISTINCT checkout_request_id FROM mpesa.callbacks) AS ids") == 1_000)
        }
    }

    @Test func hundredDeliveriesOfOneSuccessGiveOnePayment() async throws {
        try await withDaemon { daemon, database in
            let body = CallbackBodies.success(
                checkoutRequestID: "ws_CO_0101202612000000000708374149", receipt: "UA1AB2CD3E",
                amount: "250.50")
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await HTTPClient.shared.post(daemon.callbackURL, body).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }

            #expect(statuses == Array(repeating: 200, count: 100))
            #expect(try database.count("mpesa.callbacks") == 100)
            #expect(try database.count("mpesa.payments") == 1)
            #expect(try database.scalar("SELECT sum(amount)::text FROM mpesa.payments") == "250.50")
        }
    }

    @Test func receiptReusedUnderAnotherCheckoutAddsNoPaymentAndIsFlagged() async throws {
        try await withDaemon { daemon, database in
            let first = CallbackBodies.success(
                checkoutRequestID: "ws_CO_first", receipt: "UB2CD3EF4G")
            let second = CallbackBodies.success(
                checkoutRequestID: "ws_CO_second", receipt: "UB2CD3EF4G")
            #expect(try await HTTPClient.shared.post(daemon.callbackURL, first).status == 200)
            #expect(try await HTTPClient.shared.post(daemon.callbackURL, second).status == 200)

            #expect(try database.count("mpesa.callbacks") == 2)
            #expect(try database.count("mpesa.payments") == 1)
            let flagged = try database.scalar(
                "SELECT review_reason FROM mpesa.callbacks WHERE checkout_request_id = 'ws_CO_second'"
            )
            #expect(flagged?.contains("MpesaReceiptNumber is already recorded") == true)
            let original = try database.scalar(
                "SELECT review_reason FROM mpesa.callbacks WHERE checkout_request_id = 'ws_CO_first'"
            )
            #expect(original == nil)
        }
    }
}
