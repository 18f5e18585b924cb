import PostgresClient

/// The prepared statements that write a batch of deliveries.
///
/// Each takes whole columns as arrays, so a batch of any size costs the same
/// few statements; all of them run in one transaction (one pipeline sync).
/// Statements after the first find the batch's rows by `delivery_id`.
enum CallbackStatements {
    /// Inserts the accepted deliveries, linked to their STK request when one
    /// is known; a delivery already stored (a replay) is skipped.
    static let insertCallbacks = PreparedStatement(
        name: "insert_callbacks",
        sql: """
            INSERT INTO mpesa.callbacks (
                delivery_id, received_at, source_address, merchant_request_id,
                checkout_request_id, result_code, result_desc, amount,
                mpesa_receipt_number, transaction_time, phone_number, body, stk_request_id)
            SELECT d.delivery_id, d.received_at, d.source_address, d.merchant_request_id,
                d.checkout_request_id, d.result_code, d.result_desc, d.amount,
                d.mpesa_receipt_number, d.transaction_time, d.phone_number, d.body, r.id
            FROM unnest($1::uuid[], $2::timestamptz[], $3::inet[], $4::text[], $5::text[],
                    $6::text[], $7::text[], $8::numeric[], $9::text[], $10::timestamptz[],
                    $11::text[], $12::bytea[])
                WITH ORDINALITY AS d(delivery_id, received_at, source_address,
                    merchant_request_id, checkout_request_id, result_code, result_desc, amount,
                    mpesa_receipt_number, transaction_time, phone_number, body, position)
            LEFT JOIN mpesa.stk_requests r ON r.checkout_request_id = d.checkout_request_id
            ORDER BY d.position
            ON CONFLICT (delivery_id) DO NOTHING
            RETURNING id, delivery_id
            """)

    /// Adds a payment for each new success whose checkout request id and
    /// receipt are both new, flagged when it does not match its request.
    static let insertPayments = PreparedStatement(
        name: "insert_payments",
        sql: """
            INSERT INTO mpesa.payments (
                callback_id, checkout_request_id, merchant_request_id, mpesa_receipt_number,
                amount, phone_number, transaction_time, stk_request_id, review_reason)
            SELECT c.id, c.checkout_request_id, c.merchant_request_id, c.mpesa_receipt_number,
                c.amount, c.phone_number, c.transaction_time, r.id,
                CASE
                    WHEN r.id IS NULL THEN
                        'no STK request was recorded for this CheckoutRequestID'
                    WHEN c.amount <> r.amount THEN
                        'amount ' || c.amount || ' differs from the requested ' || r.amount
                    WHEN c.phone_number ~ '^254[0-9]{9}$' AND c.phone_number <> r.phone_number THEN
                        'payer differs from the phone number the request was sent to'
                    WHEN r.state IN ('failed', 'refused') THEN
                        'success arrived for a request already settled as ' || r.state
                END
            FROM mpesa.callbacks c
            LEFT JOIN mpesa.stk_requests r ON r.id = c.stk_request_id
            WHERE c.delivery_id = ANY ($1::uuid[]) AND c.result_code = '0'
            ORDER BY c.id
            ON CONFLICT DO NOTHING
            RETURNING callback_id, review_reason
            """)

    /// Flags successes whose receipt number is already recorded under
    /// another checkout request id: they add no payment.
    static let flagReusedReceipts = PreparedStatement(
        name: "flag_reused_receipts",
        sql: """
            UPDATE mpesa.callbacks c
            SET review_reason = 'MpesaReceiptNumber is already recorded for another '
                || 'CheckoutRequestID; no payment was added'
            FROM mpesa.payments p
            WHERE c.delivery_id = ANY ($1::uuid[]) AND c.result_code = '0'
                AND p.mpesa_receipt_number = c.mpesa_receipt_number
                AND p.checkout_request_id <> c.checkout_request_id
            RETURNING c.delivery_id, c.review_reason
            """)

    /// Settles each unsettled request that a delivery in the batch answers:
    /// the first callback for a request decides its state.
    static let settleRequests = PreparedStatement(
        name: "settle_requests",
        sql: """
            UPDATE mpesa.stk_requests r
            SET state = CASE WHEN c.result_code = '0' THEN 'paid' ELSE 'failed' END,
                result_code = c.result_code, result_desc = c.result_desc,
                callback_id = c.id, settled_at = now(), settled_by = 'callback',
                updated_at = now()
            FROM (
                SELECT DISTINCT ON (stk_request_id) id, stk_request_id, result_code, result_desc
                FROM mpesa.callbacks
                WHERE delivery_id = ANY ($1::uuid[]) AND stk_request_id IS NOT NULL
                ORDER BY stk_request_id, id
            ) c
            WHERE r.id = c.stk_request_id
                AND r.state IN ('sending', 'accepted', 'unknown', 'paid_without_callback')
            """)

    /// Keeps rejected bodies byte for byte with the reason.
    static let insertRejected = PreparedStatement(
        name: "insert_rejected",
        sql: """
            INSERT INTO mpesa.rejected_callbacks (
                delivery_id, received_at, source_address, kind, reason, body)
            SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::inet[], $4::text[],
                $5::text[], $6::bytea[])
            ON CONFLICT (delivery_id) DO NOTHING
            RETURNING delivery_id
            """)

    /// Every statement the recorder needs prepared on its connection.
    static let all = [
        insertCallbacks, insertPayments, flagReusedReceipts, settleRequests, insertRejected,
    ]
}
