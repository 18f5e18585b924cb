import Foundation
import PostgresClient

/// Writes `mpesa.stk_requests` rows directly, standing in for the sender
/// in tests of what the receiver and the reports do with them.
enum StkRequestRows {
    /// Inserts one request and returns its id.
    ///
    /// - Parameters:
    ///   - createdAt: a `timestamptz` literal; nil means now.
    ///   - settledBy: `callback` or `query` for a request already settled.
    @discardableResult
    static func insert(
        into database: TestDatabase, checkoutRequestID: String, state: String = "accepted",
        amount: String = "1.00", phone: String = "254708374149",
        accountReference: String = "ACC-1", description: String = "Payment",
        createdAt: String? = nil, settledBy: String? = nil, resultCode: String? = nil
    ) throws -> String {
        let rows = try database.connect().execute(
            """
            INSERT INTO mpesa.stk_requests (
                created_at, merchant_request_id, checkout_request_id, phone_number, amount,
                account_reference, transaction_description, business_short_code, party_b,
                transaction_type, state, settled_by, settled_at, result_code)
            VALUES (coalesce($1::timestamptz, now()), '29115-34620561-1', $2, $3, $4, $5, $6,
                '174379', '174379', 'CustomerPayBillOnline', $7, $8::text,
                CASE WHEN $8::text IS NULL THEN NULL ELSE now() END, $9)
            RETURNING id
            """,
            [
                createdAt.map { .text($0) } ?? .null, .text(checkoutRequestID), .text(phone),
                .text(amount), .text(accountReference), .text(description), .text(state),
                settledBy.map { .text($0) } ?? .null, resultCode.map { .text($0) } ?? .null,
            ])
        guard let id = rows.rows.first?.first ?? nil else {
            throw TestSetupError("no id for the inserted STK request")
        }
        return id
    }
}
