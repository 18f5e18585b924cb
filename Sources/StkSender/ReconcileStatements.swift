import PostgresClient

/// The reconciler's SQL on `mpesa.stk_requests`.
///
/// A daemon claims a few due requests at a time with a lease, so that
/// several daemons sharing one database never query the same request at
/// once; `FOR UPDATE SKIP LOCKED` keeps claims from waiting on each other.
/// Every write checks that the request is still `accepted`: a callback that
/// arrives meanwhile settles it first and wins.
enum ReconcileStatements {
    /// Claims up to `$4` accepted requests that have waited `$1` since they
    /// were accepted, are due (`next_query_at`), are not leased, and have
    /// been asked about fewer than `$2` times; leases them for `$3`.
    static let claim = PreparedStatement(
        name: "reconcile_claim",
        sql: """
            UPDATE mpesa.stk_requests r
            SET query_lease_until = now() + $3::interval,
                query_attempts = r.query_attempts + 1
            WHERE r.id IN (
                SELECT id FROM mpesa.stk_requests
                WHERE state = 'accepted' AND checkout_request_id IS NOT NULL
                    AND updated_at <= now() - $1::interval
                    AND coalesce(next_query_at, '-infinity') <= now()
                    AND coalesce(query_lease_until, '-infinity') < now()
                    AND query_attempts < $2::integer
                ORDER BY coalesce(next_query_at, updated_at)
                LIMIT $4::integer
                FOR UPDATE SKIP LOCKED)
            RETURNING r.id, r.checkout_request_id, r.query_attempts
            """)

    /// No outcome yet (or the query failed): ask again after `$2`.
    static let postpone = PreparedStatement(
        name: "reconcile_postpone",
        sql: """
            UPDATE mpesa.stk_requests
            SET next_query_at = now() + $2::interval, query_lease_until = NULL,
                last_query_result = $3
            WHERE id = $1::bigint AND state = 'accepted'
            """)

    /// The query gave an outcome: `$2` is `paid_without_callback` or
    /// `failed`, with the result code and description.
    static let settle = PreparedStatement(
        name: "reconcile_settle",
        sql: """
            UPDATE mpesa.stk_requests
            SET state = $2, result_code = $3, result_desc = $4, last_query_result = $3,
                settled_at = now(), settled_by = 'query', query_lease_until = NULL,
                updated_at = now()
            WHERE id = $1::bigint AND state = 'accepted'
            RETURNING id
            """)

    /// Settles the accepted requests, waiting `$1` since they were accepted,
    /// whose callback is already recorded: one that arrived before the sender
    /// had written Daraja's answer, when no request carried its checkout id
    /// yet, so the receiver could not settle it. The first callback decides,
    /// as when the receiver settles a request; no query is needed. Returns
    /// each settled request's checkout id and new state.
    // TODO: the early callback's and its payment's rows keep no
    // stk_request_id and the payment its "no STK request" flag, since the
    // daemon's role may not update a payment; linking them needs that grant.
    static let settleFromEarlyCallbacks = PreparedStatement(
        name: "reconcile_settle_from_early_callbacks",
        sql: """
            UPDATE mpesa.stk_requests r
            SET state = CASE WHEN c.result_code = '0' THEN 'paid' ELSE 'failed' END,
                result_code = c.result_code, result_desc = c.result_desc, callback_id = c.id,
                settled_at = now(), settled_by = 'callback', query_lease_until = NULL,
                updated_at = now()
            FROM (
                SELECT DISTINCT ON (c.checkout_request_id) c.id, c.checkout_request_id,
                    c.result_code, c.result_desc
                FROM mpesa.stk_requests a
                JOIN mpesa.callbacks c ON c.checkout_request_id = a.checkout_request_id
                WHERE a.state = 'accepted' AND a.updated_at <= now() - $1::interval
                ORDER BY c.checkout_request_id, c.id
            ) c
            WHERE r.checkout_request_id = c.checkout_request_id AND r.state = 'accepted'
            RETURNING r.checkout_request_id, r.state
            """)

    static let all = [claim, postpone, settle, settleFromEarlyCallbacks]
}
