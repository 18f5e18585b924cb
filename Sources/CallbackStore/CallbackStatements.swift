import PostgresClient

/// The prepared statements that write one batch of deliveries.
///
/// A batch of any size costs at most two statements, both in one
/// transaction (one pipeline sync): one for the accepted callbacks, which
/// inserts them, adds their payments and settles their requests through
/// data-modifying CTEs, and one for the rejected bodies; a third runs only
/// after a rare race between two transactions (`flagConflictingSuccesses`).
/// Columns arrive as arrays (`unnest`). Nothing looks the batch's rows up
/// again afterwards, so no plan depends on how large `mpesa.callbacks` has
/// grown.
enum CallbackStatements {
    /// Why a success added no payment: its receipt is another checkout's.
    static let receiptOfAnotherCheckout =
        "MpesaReceiptNumber is already recorded for another CheckoutRequestID; no payment was added"
    /// Why a success added no payment: its checkout was paid with another receipt.
    static let checkoutPaidWithAnotherReceipt =
        "a payment with another MpesaReceiptNumber is already recorded for this "
        + "CheckoutRequestID; no payment was added"

    /// `$1`…`$14`, one array element per callback, in PostgreSQL's binary
    /// format: delivery id (`uuid`), received at (microseconds since 1970),
    /// source address (text), merchant request id, checkout request id,
    /// result code, result description, amount (cents), receipt, transaction
    /// time (seconds since 1970), phone, body; and, where an earlier success
    /// in the batch took them, the checkout of the first success with this
    /// receipt and the receipt of the first success for this checkout, null
    /// otherwise (`BatchPlan` works these out: two window functions here
    /// cost two sorts a batch, about a tenth of the statement).
    ///
    /// Returns one row per callback stored for the first time (a replayed
    /// delivery id is skipped): its delivery id, whether it added a payment,
    /// the review reason of the callback or its payment, and the callback's
    /// id.
    static let recordCallbacks = PreparedStatement(
        name: "record_callbacks",
        sql: """
            WITH input AS (
                SELECT d.delivery_id, d.position,
                    'epoch'::timestamptz + d.received_us * interval '1 microsecond'
                        AS received_at,
                    d.source::inet AS source_address, d.merchant_request_id,
                    d.checkout_request_id, d.result_code, d.result_desc,
                    (d.amount_cents::numeric / 100)::numeric(14, 2) AS amount,
                    d.mpesa_receipt_number,
                    'epoch'::timestamptz + d.transaction_s * interval '1 second'
                        AS transaction_time,
                    d.phone_number, d.body, r.id AS stk_request_id,
                    coalesce(d.receipt_first_checkout, d.checkout_request_id)
                        AS receipt_first_checkout,
                    coalesce(d.checkout_first_receipt, d.mpesa_receipt_number)
                        AS checkout_first_receipt
                FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::text[],
                        $6::text[], $7::text[], $8::int8[], $9::text[], $10::int8[],
                        $11::text[], $12::bytea[], $13::text[], $14::text[])
                    WITH ORDINALITY AS d(delivery_id, received_us, source,
                        merchant_request_id, checkout_request_id, result_code, result_desc,
                        amount_cents, mpesa_receipt_number, transaction_s, phone_number, body,
                        receipt_first_checkout, checkout_first_receipt, position)
                LEFT JOIN mpesa.stk_requests r ON r.checkout_request_id = d.checkout_request_id
            ),
            inserted AS (
                INSERT INTO mpesa.callbacks (
                    delivery_id, received_at, source_address, merchant_request_id,
                    checkout_request_id, result_code, result_desc, amount, mpesa_receipt_number,
                    transaction_time, phone_number, body, stk_request_id, review_reason)
                SELECT i.delivery_id, i.received_at, i.source_address, i.merchant_request_id,
                    i.checkout_request_id, i.result_code, i.result_desc, i.amount,
                    i.mpesa_receipt_number, i.transaction_time, i.phone_number, i.body,
                    i.stk_request_id,
                    -- A receipt belongs to the checkout of its payment, or without one
                    -- to the first checkout in this batch; a checkout's payment has one
                    -- receipt, likewise.
                    CASE WHEN i.result_code = '0' AND i.checkout_request_id <> coalesce(
                        (SELECT p.checkout_request_id FROM mpesa.payments p
                            WHERE p.mpesa_receipt_number = i.mpesa_receipt_number),
                        i.receipt_first_checkout)
                    THEN '\(receiptOfAnotherCheckout)'
                    WHEN i.result_code = '0' AND i.mpesa_receipt_number <> coalesce(
                        (SELECT p.mpesa_receipt_number FROM mpesa.payments p
                            WHERE p.checkout_request_id = i.checkout_request_id),
                        i.checkout_first_receipt)
                    THEN '\(checkoutPaidWithAnotherReceipt)'
                    END
                FROM input i
                ORDER BY i.position
                ON CONFLICT (delivery_id) DO NOTHING
                RETURNING id, delivery_id, checkout_request_id, merchant_request_id, result_code,
                    result_desc, amount, mpesa_receipt_number, transaction_time, phone_number,
                    stk_request_id, review_reason
            ),
            paid AS (
                INSERT INTO mpesa.payments (
                    callback_id, checkout_request_id, merchant_request_id, mpesa_receipt_number,
                    amount, phone_number, transaction_time, stk_request_id, review_reason)
                SELECT c.id, c.checkout_request_id, c.merchant_request_id,
                    c.mpesa_receipt_number, c.amount, c.phone_number, c.transaction_time, r.id,
                    CASE
                        WHEN r.id IS NULL THEN
                            'no STK request was recorded for this CheckoutRequestID'
                        WHEN c.amount <> r.amount THEN
                            'amount ' || c.amount || ' differs from the requested ' || r.amount
                        -- The pattern (a number Safaricom did not mask) only
                        -- where the numbers differ: a regular expression per
                        -- payment cost more than the rest of this CASE.
                        WHEN c.phone_number <> r.phone_number
                            AND c.phone_number ~ '^254[0-9]{9}$' THEN
                            'payer differs from the phone number the request was sent to'
                        WHEN r.state IN ('failed', 'refused') THEN
                            'success arrived for a request already settled as ' || r.state
                        WHEN c.merchant_request_id <> r.merchant_request_id THEN
                            'MerchantRequestID differs from the one Daraja gave the request'
                    END
                FROM inserted c
                LEFT JOIN mpesa.stk_requests r ON r.id = c.stk_request_id
                WHERE c.result_code = '0' AND c.review_reason IS NULL
                ORDER BY c.id
                -- A repeat of a recorded success (same checkout, same receipt)
                -- adds nothing. Any other conflict was flagged above, unless a
                -- transaction beside this one is adding it: then the receipt's
                -- unique index fails the statement once that one commits, and
                -- the recorder tries again, when the check above sees it. One
                -- arbiter index instead of four: each is probed for every row.
                ON CONFLICT (checkout_request_id) DO NOTHING
                RETURNING callback_id, review_reason
            ),
            settled AS (
                -- The first callback for a request decides its state.
                UPDATE mpesa.stk_requests r
                SET state = CASE WHEN c.result_code = '0' THEN 'paid' ELSE 'failed' END,
                    result_code = c.result_code, result_desc = c.result_desc,
                    callback_id = c.id, settled_at = now(), settled_by = 'callback',
                    updated_at = now()
                FROM (
                    SELECT DISTINCT ON (stk_request_id) id, stk_request_id, result_code,
                        result_desc
                    FROM inserted
                    WHERE stk_request_id IS NOT NULL
                    ORDER BY stk_request_id, id
                ) c
                WHERE r.id = c.stk_request_id
                    AND r.state IN ('sending', 'accepted', 'unknown', 'paid_without_callback')
                RETURNING r.id
            )
            -- Data-modifying CTEs always run to completion, read or not.
            -- Rows name their delivery id, not their position: a second
            -- reference to input would make PostgreSQL store all of it, bodies
            -- included, rather than read it once as part of the insert.
            SELECT c.delivery_id, p.callback_id IS NOT NULL,
                coalesce(p.review_reason, c.review_reason), c.id
            FROM inserted c
            LEFT JOIN paid p ON p.callback_id = c.id
            """)

    /// Flags the successes `$1` (callback ids, `int8[]`) that added no
    /// payment because a transaction running beside theirs added a
    /// conflicting one: `recordCallbacks` reads the payments committed before
    /// it started, so it cannot see that one, and its `ON CONFLICT` skips
    /// the payment silently when the two share a checkout (when they share
    /// only a receipt, the statement fails and is tried again instead, which
    /// then sees the other payment). Runs, in a transaction of its own, only for
    /// successes that added no payment and got no reason; one whose very
    /// payment (same checkout and receipt) is recorded is a repeated delivery
    /// and stays unflagged. Returns each flagged callback's id and reason.
    static let flagConflictingSuccesses = PreparedStatement(
        name: "flag_conflicting_successes",
        sql: """
            UPDATE mpesa.callbacks c
            SET review_reason = CASE
                WHEN EXISTS (
                    SELECT FROM mpesa.payments p
                    WHERE p.mpesa_receipt_number = c.mpesa_receipt_number
                        AND p.checkout_request_id <> c.checkout_request_id)
                THEN '\(receiptOfAnotherCheckout)'
                ELSE '\(checkoutPaidWithAnotherReceipt)'
                END
            FROM unnest($1::int8[]) AS conflicting(id)
            WHERE c.id = conflicting.id AND c.review_reason IS NULL
                AND NOT EXISTS (
                    SELECT FROM mpesa.payments p
                    WHERE p.checkout_request_id = c.checkout_request_id
                        AND p.mpesa_receipt_number = c.mpesa_receipt_number)
            RETURNING c.id, c.review_reason
            """)

    /// Keeps rejected bodies byte for byte with the reason. `$1`…`$6`, in
    /// binary format: delivery id, received at (microseconds since 1970),
    /// source address, kind, reason, body. Returns the delivery id of each
    /// body stored for the first time.
    static let insertRejected = PreparedStatement(
        name: "insert_rejected",
        sql: """
            INSERT INTO mpesa.rejected_callbacks (
                delivery_id, received_at, source_address, kind, reason, body)
            SELECT d.delivery_id,
                'epoch'::timestamptz + d.received_us * interval '1 microsecond',
                d.source::inet, d.kind, d.reason, d.body
            FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[], $5::text[],
                    $6::bytea[])
                WITH ORDINALITY AS d(delivery_id, received_us, source, kind, reason, body,
                    position)
            ORDER BY d.position
            ON CONFLICT (delivery_id) DO NOTHING
            RETURNING delivery_id
            """)

    /// Every statement the recorder needs prepared on its connection.
    static let all = [recordCallbacks, insertRejected, flagConflictingSuccesses]
}
