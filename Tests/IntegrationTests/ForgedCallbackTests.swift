import Foundation
import Testing

/// Callbacks that a forger could send with the token: each is stored, never
/// lost, and flagged for review in `review_reason` instead of counted as an
/// ordinary payment.
@Suite struct ForgedCallbackTests {
    /// What a success did, read back by its checkout request id.
    private struct Outcome: Equatable {
        var payments: Int
        var paymentReason: String?
        var callbackReason: String?
    }

    private func outcome(_ checkout: String, in database: TestDatabase) throws -> Outcome {
        let connection = try database.connect()
        let payment = try connection.execute(
            "SELECT review_reason FROM mpesa.payments WHERE checkout_request_id = $1",
            [.text(checkout)])
        let callback = try connection.execute(
            "SELECT review_reason FROM mpesa.callbacks WHERE checkout_request_id = $1 "
                + "ORDER BY id DESC LIMIT 1", [.text(checkout)])
        return Outcome(
            payments: payment.rows.count, paymentReason: payment.rows.first?.first ?? nil,
            callbackReason: callback.rows.first?.first ?? nil)
    }

    private func send(_ body: Data, to daemon: DaemonProcess) async throws {
        let status = try await HTTPClient.shared.post(daemon.callbackURL, body).status
        #expect(status == 200)
    }

    @Test func everyKindOfForgedSuccessIsFlaggedForReview() async throws {
        try await withDaemon { daemon, database in
            for (checkout, state) in [
                ("ws_CO_ok", "accepted"), ("ws_CO_amount", "accepted"),
                ("ws_CO_payer", "accepted"), ("ws_CO_failed", "failed"),
                ("ws_CO_refused", "refused"), ("ws_CO_merchant", "accepted"),
                ("ws_CO_second", "accepted"),
            ] {
                try StkRequestRows.insert(
                    into: database, checkoutRequestID: checkout, state: state, amount: "100.00",
                    settledBy: state == "failed" ? "callback" : nil,
                    resultCode: state == "failed" ? "1032" : nil)
            }
            let bodies = [
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_ok", receipt: "UA0000000A", amount: "100.00"),
                CallbackBodies.success(checkoutRequestID: "ws_CO_unknown", receipt: "UA0000000B"),
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_amount", receipt: "UA0000000C", amount: "1.00"),
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_payer", receipt: "UA0000000D", amount: "100.00",
                    phone: "254711000111"),
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_failed", receipt: "UA0000000E", amount: "100.00"),
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_refused", receipt: "UA0000000F", amount: "100.00"),
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_merchant", receipt: "UA0000000G", amount: "100.00",
                    merchantRequestID: "forged-merchant-id"),
                // The receipt of ws_CO_ok, under another checkout.
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_reused", receipt: "UA0000000A", amount: "100.00"),
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_second", receipt: "UA0000000H", amount: "100.00"),
                // A second success for a paid checkout, with a receipt of its own.
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_second", receipt: "UA0000000J", amount: "100.00"),
                // The same delivery again: a repeat, not a forgery.
                CallbackBodies.success(
                    checkoutRequestID: "ws_CO_ok", receipt: "UA0000000A", amount: "100.00"),
            ]
            for body in bodies {
                try await send(body, to: daemon)
            }

            let noPayment = "no payment was added"
            #expect(try outcome("ws_CO_ok", in: database) == Outcome(payments: 1))
            #expect(
                try outcome("ws_CO_unknown", in: database).paymentReason
                    == "no STK request was recorded for this CheckoutRequestID")
            #expect(
                try outcome("ws_CO_amount", in: database).paymentReason
                    == "amount 1.00 differs from the requested 100.00")
            #expect(
                try outcome("ws_CO_payer", in: database).paymentReason
                    == "payer differs from the phone number the request was sent to")
            #expect(
                try outcome("ws_CO_failed", in: database).paymentReason
                    == "success arrived for a request already settled as failed")
            #expect(
                try outcome("ws_CO_refused", in: database).paymentReason
                    == "success arrived for a request already settled as refused")
            #expect(
                try outcome("ws_CO_merchant", in: database).paymentReason
                    == "MerchantRequestID differs from the one Daraja gave the request")
            let reused = try outcome("ws_CO_reused", in: database)
            #expect(reused.payments == 0)
            #expect(
                reused.callbackReason
                    == "MpesaReceiptNumber is already recorded for another CheckoutRequestID; "
                    + noPayment)
            let second = try outcome("ws_CO_second", in: database)
            #expect(second.payments == 1)
            #expect(second.paymentReason == nil)
            #expect(
                second.callbackReason
                    == "a payment with another MpesaReceiptNumber is already recorded for this "
                    + "CheckoutRequestID; \(noPayment)")
            #expect(
                try database.scalar(
                    "SELECT mpesa_receipt_number FROM mpesa.payments "
                        + "WHERE checkout_request_id = 'ws_CO_second'") == "UA0000000H")

            // Every flagged payment and callback is on the finance review list.
            #expect(try database.count("mpesa.callbacks") == bodies.count)
            #expect(
                try database.count("mpesa.needs_review", where: "kind IN ('payment', 'callback')")
                    == 8)
        }
    }

    @Test func twoSuccessesForOneCheckoutAtOnceAddOnePaymentAndFlagTheOther() async throws {
        try await withDaemon { daemon, database in
            try StkRequestRows.insert(into: database, checkoutRequestID: "ws_CO_race")
            let receipts = (0..<8).map { CallbackBodies.receipt($0, prefix: "R") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for receipt in receipts {
                    group.addTask {
                        let body = CallbackBodies.success(
                            checkoutRequestID: "ws_CO_race", receipt: receipt)
                        let status = try await HTTPClient.shared.post(daemon.callbackURL, body)
                            .status
                        #expect(status == 200)
                    }
                }
                try await group.waitForAll()
            }

            #expect(try database.count("mpesa.payments") == 1)
            let paid = try database.scalar("SELECT callback_id::text FROM mpesa.payments")
            #expect(
                try database.count(
                    "mpesa.callbacks", where: "review_reason LIKE 'a payment with another%'")
                    == receipts.count - 1)
            #expect(
                try database.count(
                    "mpesa.callbacks", where: "review_reason IS NULL AND id::text = $1",
                    [.text(paid ?? "")]) == 1)
        }
    }

    /// A payment committed by another transaction while the daemon's batch
    /// runs (a second daemon, or another write connection) is invisible to
    /// that batch's checks; its payment insert waits for the other commit
    /// and then adds nothing. The success must still be flagged, with the
    /// conflict that kept its payment out.
    @Test(arguments: [
        (
            held: (checkout: "ws_CO_held_a", receipt: "UHELD0000A"),
            sent: (checkout: "ws_CO_held_a", receipt: "UHELD0000B"),
            reason: "a payment with another MpesaReceiptNumber is already recorded for this "
                + "CheckoutRequestID; no payment was added"
        ),
        (
            held: (checkout: "ws_CO_held_b", receipt: "UHELD0000C"),
            sent: (checkout: "ws_CO_held_c", receipt: "UHELD0000C"),
            reason: "MpesaReceiptNumber is already recorded for another CheckoutRequestID; "
                + "no payment was added"
        ),
    ])
    func aSuccessRacingAPaymentCommittedBesideItIsFlagged(
        held: (checkout: String, receipt: String), sent: (checkout: String, receipt: String),
        reason: String
    ) async throws {
        try await withDaemon { daemon, database throws in
            let other = try database.connect()
            _ = try other.execute("BEGIN")
            _ = try other.execute(
                """
                WITH c AS (
                    INSERT INTO mpesa.callbacks (delivery_id, received_at, merchant_request_id,
                        checkout_request_id, result_code, result_desc, amount,
                        mpesa_receipt_number, transaction_time, body)
                    VALUES (gen_random_uuid(), now(), 'm-held', $1, '0', 'held', 1.00, $2,
                        now(), convert_to('{}', 'UTF8'))
                    RETURNING id)
                INSERT INTO mpesa.payments (callback_id, checkout_request_id,
                    merchant_request_id, mpesa_receipt_number, amount, transaction_time)
                SELECT id, $1, 'm-held', $2, 1.00, now() FROM c
                """, [.text(held.checkout), .text(held.receipt)])
            let body = CallbackBodies.success(
                checkoutRequestID: sent.checkout, receipt: sent.receipt)
            let answer = Task { try await HTTPClient.shared.post(daemon.callbackURL, body).status }

            // Commit only once the daemon's insert waits on the held payment
            // (a sanitized build running the whole suite beside it once took
            // more than 10 s to get there).
            let deadline = ContinuousClock.now + .seconds(30)
            while try database.count(
                "pg_stat_activity",
                where: "datname = current_database() AND wait_event_type = 'Lock'")
                == 0
            {
                try #require(ContinuousClock.now < deadline, "the daemon never waited")
                try await Task.sleep(for: .milliseconds(20))
            }
            _ = try other.execute("COMMIT")

            #expect(try await answer.value == 200)
            #expect(try database.count("mpesa.payments") == 1)
            #expect(
                try database.scalar(
                    "SELECT review_reason FROM mpesa.callbacks WHERE mpesa_receipt_number = $1 "
                        + "AND checkout_request_id = $2",
                    [.text(sent.receipt), .text(sent.checkout)]) == reason)
            #expect(try database.count("mpesa.needs_review", where: "kind = 'callback'") == 1)
        }
    }
}
