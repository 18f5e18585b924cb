import PostgresClient

/// The sender's SQL for `mpesa.stk_requests`.
///
/// The sender writes a request before sending it and its answer after;
/// settling it from a callback is the receiver's work (`CallbackStore`).
enum StkRequestStatements {
    /// Records a push about to be sent, in state `sending`.
    static let insert = PreparedStatement(
        name: "sender_insert_request",
        sql: """
            INSERT INTO mpesa.stk_requests (
                phone_number, amount, account_reference, transaction_description,
                business_short_code, party_b, transaction_type)
            VALUES ($1, $2::numeric, $3, $4, $5, $6, $7)
            RETURNING id
            """)

    /// Records Daraja's answer to a request still in `sending`; a second
    /// write of the same answer (a retry after a lost commit) changes nothing.
    static let finish = PreparedStatement(
        name: "sender_finish_request",
        sql: """
            UPDATE mpesa.stk_requests
            SET state = $2, merchant_request_id = $3, checkout_request_id = $4,
                error_code = $5, error_message = $6, updated_at = now()
            WHERE id = $1::bigint AND state = 'sending'
            """)

    static let selectByID = PreparedStatement(
        name: "sender_select_request_by_id",
        sql: "SELECT \(StkRequestRecord.columns) FROM mpesa.stk_requests WHERE id = $1::bigint")

    static let selectByCheckoutRequestID = PreparedStatement(
        name: "sender_select_request_by_checkout_id",
        sql: """
            SELECT \(StkRequestRecord.columns) FROM mpesa.stk_requests
            WHERE checkout_request_id = $1
            """)

    static let all = [insert, finish, selectByID, selectByCheckoutRequestID]
}
