import Foundation
import MpesaCore
import Testing

/// Every fixture POSTed over real HTTP to a real daemon and PostgreSQL ends
/// in its manifest's outcome, in the answer and in the tables.
@Suite struct ReceiverFixtureTests {
    struct ManifestEntry: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let expect: String
        var folder = ""
        var testDescription: String { "\(folder)/\(file)" }

        enum CodingKeys: String, CodingKey {
            case file, expect
        }
    }

    struct Manifest: Decodable {
        let fixtures: [ManifestEntry]
    }

    static func entries() throws -> [ManifestEntry] {
        var all: [ManifestEntry] = []
        for folder in ["shared", "extra"] {
            let directory = TestEnvironment.fixtures.appendingPathComponent(folder)
            let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
            for var entry in try JSONDecoder().decode(Manifest.self, from: data).fixtures {
                entry.folder = folder
                all.append(entry)
            }
        }
        return all
    }

    @Test func everyFixtureGivesItsManifestOutcome() async throws {
        try await withDaemon { daemon, database in
            let entries = try Self.entries()
            #expect(entries.count >= 35)
            for entry in entries {
                try await check(entry, daemon: daemon, database: database)
            }
        }
    }

    private func check(
        _ entry: ManifestEntry, daemon: DaemonProcess, database: TestDatabase
    ) async throws {
        let body = try Data(
            contentsOf: TestEnvironment.fixtures
                .appendingPathComponent(entry.folder).appendingPathComponent(entry.file))
        let isNewPayment = try isNewPayment(body, in: database)
        let before = try counts(database)
        let response =
            entry.expect == "too_large"
            ? try await daemon.postHeadOnly(announcing: body.count)
            : try await HTTPClient.shared.post(daemon.callbackURL, body)
        let after = try counts(database)
        let added = (
            callbacks: after.callbacks - before.callbacks,
            payments: after.payments - before.payments,
            rejected: after.rejected - before.rejected
        )
        let context = Comment(rawValue: "\(entry.testDescription): \(response.text)")
        switch entry.expect {
        case "success":
            #expect(response.status == 200, context)
            #expect(response.text == #"{"ResultCode":0,"ResultDesc":"Accepted"}"#, context)
            #expect(added.callbacks == 1 && added.rejected == 0, context)
            // A repeat of a payment already stored (same checkout request id or
            // same receipt) adds no payment.
            #expect(added.payments == (isNewPayment ? 1 : 0), context)
        case "failure":
            #expect(response.status == 200, context)
            #expect(added.callbacks == 1 && added.payments == 0 && added.rejected == 0, context)
        case "rejected":
            #expect(response.status == 400, context)
            #expect(added.callbacks == 0 && added.payments == 0 && added.rejected == 1, context)
            let stored = try database.scalar(
                "SELECT body = $1 FROM mpesa.rejected_callbacks ORDER BY id DESC LIMIT 1",
                [.bytes(Array(body))])
            #expect(stored == "t", "the rejected body is kept byte for byte: \(context)")
        case "too_large":
            #expect(response.status == 413, context)
            #expect(added.callbacks == 0 && added.payments == 0 && added.rejected == 0, context)
        default:
            Issue.record("unknown expectation \(entry.expect) in \(entry.testDescription)")
        }
    }

    /// Whether neither the checkout request id nor the receipt of a success
    /// body is in `mpesa.payments` yet.
    private func isNewPayment(_ body: Data, in database: TestDatabase) throws -> Bool {
        guard case .success(let callback) = CallbackValidator.validate(Array(body)),
            let payment = callback.payment
        else { return false }
        return try database.count(
            "mpesa.payments", where: "checkout_request_id = $1 OR mpesa_receipt_number = $2",
            [.text(callback.checkoutRequestID), .text(payment.receiptNumber)]) == 0
    }

    private func counts(_ database: TestDatabase) throws
        -> (callbacks: Int, payments: Int, rejected: Int)
    {
        (
            try database.count("mpesa.callbacks"), try database.count("mpesa.payments"),
            try database.count("mpesa.rejected_callbacks")
        )
    }

    @Test func successIsStoredWithExactAmountAndKenyanTime() async throws {
        try await withDaemon { daemon, database in
            let body = try Data(
                contentsOf: TestEnvironment.fixtures
                    .appendingPathComponent("shared/ok_success_full.json"))
            let response = try await HTTPClient.shared.post(daemon.callbackURL, body)
            #expect(response.status == 200)

            let row = try database.connect().execute(
                """
                SELECT amount::text, mpesa_receipt_number, phone_number,
                    to_char(transaction_time AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                    review_reason IS NOT NULL
                FROM mpesa.payments WHERE checkout_request_id = $1
                """, [.text("ws_CO_12122025143031512708374149")]
            ).rows
            #expect(row.count == 1)
            #expect(row.first?[0] == "1.00")
            #expect(row.first?[1] == "TLC4R8K2QX")
            #expect(row.first?[2] == "254708374149")
            // 14:30:52 in Nairobi is 11:30:52 UTC.
            #expect(row.first?[3] == "2025-12-12 11:30:52")
            // No STK request was recorded for it, so finance is asked to look.
            #expect(row.first?[4] == "t")
        }
    }
}
