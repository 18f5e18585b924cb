import Foundation
import PostgresClient
import Testing

/// The reporting views over data that arrived through a real daemon: the
/// Kenyan day, exact sums, duplicates counted once, requests joined, and
/// everything a person should look at.
@Suite struct FinanceReportingTests {
    @Test func kenyanDayDecidesWhichDayAPaymentCountsOn() async throws {
        try await withDaemon { daemon, database in
            // 23:30 on 1 January in Nairobi is 20:30 UTC; 00:30 on 2 January
            // is 21:30 UTC, still 1 January there.
            try await expectAnswer(
                200,
                to: CallbackBodies.success(
                    checkoutRequestID: "ws_CO_new_year_eve", receipt: "UA1EVE0001",
                    amount: "100.00", transactionDate: "20260101233000"), on: daemon)
            try await expectAnswer(
                200,
                to: CallbackBodies.success(
                    checkoutRequestID: "ws_CO_new_year_day", receipt: "UA2DAY0001",
                    amount: "250.00", transactionDate: "20260102003000"), on: daemon)

            let utc = try database.connect().execute(
                """
                SELECT to_char(transaction_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
                FROM mpesa.payments ORDER BY transaction_time
                """
            ).rows
            #expect(utc == [["2026-01-01 20:30"], ["2026-01-01 21:30"]])

            // The answer must not depend on the reader's session time zone.
            for zone in ["UTC", "Africa/Nairobi", "Pacific/Kiritimati", "America/Los_Angeles"] {
                let connection = try database.connect()
                try connection.execute("SELECT set_config('TimeZone', $1, false)", [.text(zone)])
                let days = try connection.execute(
                    """
                    SELECT day::text, payments::text, amount::text
                    FROM mpesa.daily_collections ORDER BY day
                    """
                ).rows
                #expect(
                    days == [["2026-01-01", "1", "100.00"], ["2026-01-02", "1", "250.00"]],
                    "session time zone \(zone)")
                let times = try connection.execute(
                    """
                    SELECT day::text, transaction_time_kenya::text, mpesa_receipt_number
                    FROM mpesa.payment_report ORDER BY transaction_time_kenya
                    """
                ).rows
                #expect(
                    times == [
                        ["2026-01-01", "2026-01-01 23:30:00", "UA1EVE0001"],
                        ["2026-01-02", "2026-01-02 00:30:00", "UA2DAY0001"],
                    ], "session time zone \(zone)")
            }
        }
    }

    @Test func fractionalAmountsAddUpToTheCent() async throws {
        // Decimal fractions that binary floating point cannot hold exactly,
        // written as M-Pesa may write them (1 or 2 places, number or string),
        // and the largest amount a callback may carry.
        let amounts = [
            "0.10", "0.20", "0.70", "10500.10", "33.33", "33.33", "33.34", "999999999999.99",
            "0.01", "0.1", #""0.9""#,
        ]
        try await withDaemon { daemon, database in
            for (index, amount) in amounts.enumerated() {
                try await expectAnswer(
                    200,
                    to: CallbackBodies.success(
                        checkoutRequestID: CallbackBodies.checkoutID(index, run: "cents"),
                        receipt: CallbackBodies.receipt(index, prefix: "UB"), amount: amount,
                        transactionDate: "202602151200\(String(format: "%02d", index))"),
                    on: daemon)
            }

            let day = try database.connect().execute(
                """
                SELECT day::text, payments::text, amount::text, flagged_payments::text,
                    flagged_amount::text
                FROM mpesa.daily_collections
                """
            ).rows
            // No request was recorded for any of them, so all are flagged.
            #expect(
                day == [["2026-02-15", "11", "1000000010602.10", "11", "1000000010602.10"]])
            let reportTotal = try database.scalar(
                "SELECT sum(amount)::text FROM mpesa.payment_report WHERE day = '2026-02-15'")
            #expect(reportTotal == "1000000010602.10")

            // Money stays numeric in every view: never a binary float.
            let moneyTypes = try database.connect().execute(
                """
                SELECT DISTINCT data_type FROM information_schema.columns
                WHERE table_schema = 'mpesa' AND column_name LIKE '%amount'
                    AND table_name IN ('daily_collections', 'payment_report',
                        'failed_attempts', 'needs_review')
                """
            ).rows
            #expect(moneyTypes == [["numeric"]])
        }
    }

    @Test func duplicatesDoNotDoubleATotal() async throws {
        try await withDaemon { daemon, database in
            let first = CallbackBodies.success(
                checkoutRequestID: "ws_CO_dup_first", receipt: "UB2DUPA001", amount: "1250.50",
                transactionDate: "20260220093000")
            let second = CallbackBodies.success(
                checkoutRequestID: "ws_CO_dup_second", receipt: "UB2DUPB001", amount: "749.25",
                transactionDate: "20260220101500")
            // The first payment's receipt again, under another checkout request id.
            let reusedReceipt = CallbackBodies.success(
                checkoutRequestID: "ws_CO_dup_reused", receipt: "UB2DUPA001", amount: "1250.50",
                transactionDate: "20260220110000")
            let failure = CallbackBodies.failure(checkoutRequestID: "ws_CO_dup_failed")
            try await expectAnswer(200, to: first, on: daemon)
            try await expectAnswer(200, to: second, on: daemon)
            try await expectAnswer(200, to: failure, on: daemon)

            let repeats = [first, first, first, second, second, reusedReceipt, failure]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for body in repeats {
                    group.addTask { try await expectAnswer(200, to: body, on: daemon) }
                }
                try await group.waitForAll()
            }

            // Every delivery is in the audit trail; each payment counts once.
            #expect(try database.count("mpesa.callbacks") == 10)
            let day = try database.connect().execute(
                """
                SELECT payments::text, amount::text FROM mpesa.daily_collections
                WHERE day = '2026-02-20'
                """
            ).rows
            #expect(day == [["2", "1999.75"]])
            let failures = try database.scalar(
                "SELECT sum(attempts)::text FROM mpesa.failed_attempts WHERE result_code = '1032'")
            #expect(failures == "1")
            let reviews = try database.connect().execute(
                "SELECT kind, checkout_request_id, reason FROM mpesa.needs_review"
            ).rows
            #expect(reviews.count == 3, "\(reviews)")
            #expect(
                reviews.contains {
                    $0[0] == "callback" && $0[1] == "ws_CO_dup_reused"
                        && $0[2]?.contains("already recorded") == true
                })
        }
    }

    @Test func paymentReportCarriesTheRequestAndItsReviewReason() async throws {
        try await withDaemon { daemon, database in
            try await FinanceSamples.record(on: daemon, in: database)

            let rows = try database.connect().execute(
                """
                SELECT mpesa_receipt_number, day::text, transaction_time_kenya::text,
                    amount::text, phone_number, account_reference, transaction_description,
                    review_reason
                FROM mpesa.payment_report ORDER BY transaction_time_kenya
                """
            ).rows
            #expect(
                rows == [
                    [
                        "UC3PAID001", "2026-03-15", "2026-03-15 10:01:30", "1500.00",
                        "254708374149", "INV-2041", "Invoice 2041", nil,
                    ],
                    [
                        "UC3STRANGE", "2026-03-15", "2026-03-15 11:00:00", "99.99",
                        "254708374149", nil, nil,
                        "no STK request was recorded for this CheckoutRequestID",
                    ],
                ])
            let day = try database.connect().execute(
                """
                SELECT payments::text, amount::text, flagged_payments::text, flagged_amount::text
                FROM mpesa.daily_collections WHERE day = '2026-03-15'
                """
            ).rows
            #expect(day == [["2", "1599.99", "1", "99.99"]])
        }
    }

    @Test func failuresAreCountedByResultCodeWithTheirMeaning() async throws {
        try await withDaemon { daemon, database in
            try await FinanceSamples.record(on: daemon, in: database)

            let rows = try database.connect().execute(
                """
                SELECT result_code, meaning, sum(attempts)::text, sum(requested_amount)::text
                FROM mpesa.failed_attempts GROUP BY result_code, meaning ORDER BY result_code
                """
            ).rows
            #expect(
                rows == [
                    ["1032", "cancelled by the payer", "1", "500.00"],
                    ["1037", "the payer could not be reached or did not answer", "1", "80.00"],
                    ["4242", "not in mpesa.result_codes", "1", nil],
                    [
                        "SFC_IC0003",
                        "operator does not exist: transaction type and till or paybill do not "
                            + "match", "1", nil,
                    ],
                ])
        }
    }

    @Test func requestOutcomesCountEveryStateOfADay() async throws {
        try await withDaemon { daemon, database in
            try await FinanceSamples.record(on: daemon, in: database)

            let rows = try database.connect().execute(
                """
                SELECT started, accepted, refused, paid, paid_without_callback, failed,
                    unknown, unsettled
                FROM mpesa.request_outcomes WHERE day = '2026-03-15'
                """
            ).rows
            #expect(rows == [["7", "5", "1", "2", "1", "2", "1", "1"]])
        }
    }

    @Test func needsReviewListsWhatAPersonShouldLookAt() async throws {
        try await withDaemon { daemon, database in
            try await FinanceSamples.record(on: daemon, in: database)

            let rows = try database.connect().execute(
                """
                SELECT kind, coalesce(checkout_request_id, '-'), reason
                FROM mpesa.needs_review ORDER BY kind, checkout_request_id
                """
            ).rows
            let found = rows.map { "\($0[0] ?? "") \($0[1] ?? "")" }
            #expect(
                found == [
                    "payment ws_CO_fin_stranger", "rejected_callback -",
                    "stk_request ws_CO_fin_querypaid", "stk_request ws_CO_fin_stale",
                    "stk_request ws_CO_fin_unknown",
                ])
            let reasons = rows.compactMap { $0[2] }
            #expect(reasons.count == 5)
            #expect(
                reasons.contains {
                    $0.hasPrefix("callback body rejected (")
                        && $0.contains("Body.stkCallback.ResultCode")
                })
            #expect(reasons.contains { $0.contains("no callback came") })
            #expect(reasons.contains { $0 == "still unsettled an hour after it was started" })
            // The rejected body's bytes stay in its table.
            #expect(
                !rows.flatMap { $0 }.contains {
                    $0?.contains(FinanceSamples.rejectedBodyMarker) == true
                })
        }
    }
}
