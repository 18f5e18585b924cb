import PostgresClient

/// The admin API's statements on its own connection: the read API's keyset
/// pages, newest first, so that page ten thousand costs what page one does,
/// and the one write of that API, marking a review item as dealt with.
///
/// Each page query takes the last id of the previous page (or the largest
/// bigint for the first page) as an index condition, optional filters, and
/// a limit. Times are formatted in SQL so that the answer does not depend on
/// the session's time zone: instants in UTC (`…Z`), Daraja transaction times
/// in Kenyan time (`…+03:00`).
public enum ReadStatements {
    private static let callbackColumns = """
        id, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        checkout_request_id, merchant_request_id, result_code, result_desc,
        mpesa_receipt_number, amount::text, phone_number,
        to_char(transaction_time AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD"T"HH24:MI:SS"+03:00"')
        """

    /// `$1` last id seen, `$2`/`$3` received-at bounds, `$4` result code,
    /// `$5` phone, `$6` limit.
    public static let callbacksPage = PreparedStatement(
        name: "read_callbacks_page",
        sql: """
            SELECT \(callbackColumns)
            FROM mpesa.callbacks
            WHERE id < $1::bigint
                AND received_at >= coalesce($2::timestamptz, '-infinity')
                AND received_at < coalesce($3::timestamptz, 'infinity')
                AND ($4::text IS NULL OR result_code = $4::text)
                AND ($5::text IS NULL OR phone_number = $5::text)
            ORDER BY id DESC
            LIMIT $6::integer
            """)

    /// Every delivery for one checkout request id, oldest first.
    public static let callbacksForCheckout = PreparedStatement(
        name: "read_callbacks_for_checkout",
        sql: """
            SELECT \(callbackColumns)
            FROM mpesa.callbacks
            WHERE checkout_request_id = $1::text
            ORDER BY id
            LIMIT 1000
            """)

    private static let paymentColumns = """
        id, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        checkout_request_id, merchant_request_id, mpesa_receipt_number, amount::text,
        phone_number,
        to_char(transaction_time AT TIME ZONE 'Africa/Nairobi', 'YYYY-MM-DD"T"HH24:MI:SS"+03:00"'),
        review_reason
        """

    /// `$1` last id seen, `$2`/`$3` transaction-time bounds, `$4` phone,
    /// `$5` limit.
    public static let paymentsPage = PreparedStatement(
        name: "read_payments_page",
        sql: """
            SELECT \(paymentColumns)
            FROM mpesa.payments
            WHERE id < $1::bigint
                AND transaction_time >= coalesce($2::timestamptz, '-infinity')
                AND transaction_time < coalesce($3::timestamptz, 'infinity')
                AND ($4::text IS NULL OR phone_number = $4::text)
            ORDER BY id DESC
            LIMIT $5::integer
            """)

    /// The payment of one checkout request id, if any.
    public static let paymentForCheckout = PreparedStatement(
        name: "read_payment_for_checkout",
        sql: """
            SELECT \(paymentColumns)
            FROM mpesa.payments
            WHERE checkout_request_id = $1::text
            """)

    /// Every statement the read connection prepares.
    private static let resolutionColumns = """
        kind, item_id, reason, note,
        to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        """

    /// Marks item `$1` (kind) `$2` (id) of `mpesa.needs_review` as dealt
    /// with, for the reason it is listed for, with the note `$3`; returns the
    /// resolution, or no row when the item is not listed.
    public static let resolveReviewItem = PreparedStatement(
        name: "resolve_review_item",
        sql: """
            INSERT INTO mpesa.review_resolutions (kind, item_id, reason, note)
            SELECT kind, id, reason, $3::text
            FROM mpesa.needs_review
            WHERE kind = $1::text AND id = $2::bigint
            ON CONFLICT DO NOTHING
            RETURNING \(resolutionColumns)
            """)

    /// The latest resolution of item `$1` (kind) `$2` (id), if any.
    public static let latestReviewResolution = PreparedStatement(
        name: "read_latest_review_resolution",
        sql: """
            SELECT \(resolutionColumns)
            FROM mpesa.review_resolutions
            WHERE kind = $1::text AND item_id = $2::bigint
            ORDER BY resolved_at DESC
            LIMIT 1
            """)

    public static let all = [
        callbacksPage, callbacksForCheckout, paymentsPage, paymentForCheckout, resolveReviewItem,
        latestReviewResolution,
    ]
}
