extension Migration {
    /// Reporting for finance staff: a reference table of result codes, five
    /// views in Kenyan time, and the group role `mpesa_finance` that may read
    /// those views and nothing else.
    ///
    /// The views run with their owner's rights, which is what lets the role
    /// read them without any right on the tables; so each view names its
    /// columns one by one and none shows a body. Each is also a security
    /// barrier, so that a function of the reader's own in a WHERE clause is
    /// applied only to the rows the view shows, never to the rows it leaves
    /// out. The role is cluster-wide: it is created only when missing, which
    /// needs CREATEROLE the first time; later migrations, in this database or
    /// another, only grant.
    static let financeReporting = Migration(
        version: 3, name: "finance reporting",
        sql: resultCodesSQL + collectionsSQL + attemptsSQL + needsReviewSQL + financeRoleSQL)

    /// Every STK result code that `daraja/SPEC.md` §4.5 lists.
    private static let resultCodesSQL = """
        CREATE TABLE mpesa.result_codes (
            code text PRIMARY KEY,
            meaning text NOT NULL,
            is_final boolean NOT NULL
        );
        COMMENT ON TABLE mpesa.result_codes IS
            'What each STK ResultCode means (daraja/SPEC.md 4.5), for the reporting views.';
        COMMENT ON COLUMN mpesa.result_codes.is_final IS
            'true when the code settles the push for good; false when it only says that the '
            'push is still being processed.';
        INSERT INTO mpesa.result_codes (code, meaning, is_final) VALUES
            ('0', 'paid', true),
            ('1', 'insufficient balance', true),
            ('2', 'declined: below the minimum amount', true),
            ('3', 'declined: above the largest amount for one transaction', true),
            ('4', 'declined: over the payer''s daily transfer limit', true),
            ('8', 'declined: over the receiving account''s largest balance', true),
            ('17', 'declined: same amount to the same customer within about two minutes', true),
            ('26', 'M-Pesa system busy', true),
            ('1001', 'another transaction of the payer was in progress', true),
            ('1019', 'expired before the payer completed it', true),
            ('1025', 'the prompt could not be sent (its text was too long)', true),
            ('1031', 'cancelled by the payer', true),
            ('1032', 'cancelled by the payer', true),
            ('1036', 'the phone did not acknowledge the prompt (SMSC timeout)', true),
            ('1037', 'the payer could not be reached or did not answer', true),
            ('1101', 'prompt text invalid: business or account name too long', true),
            ('2001', 'wrong PIN, or the payer is not registered for M-Pesa', true),
            ('2028', 'not permitted: transaction type and till or paybill do not match', true),
            ('4999', 'still being processed (STK query only)', false),
            ('8006', 'the payer''s security credential is locked', true),
            ('9999', 'the prompt could not be sent', true),
            ('SFC_IC0003', 'operator does not exist: transaction type and till or paybill '
                'do not match', true);

        """

    /// Money received: per Kenyan day, and payment by payment.
    static let collectionsSQL = """
        CREATE VIEW mpesa.daily_collections WITH (security_barrier) AS
        SELECT (transaction_time AT TIME ZONE 'Africa/Nairobi')::date AS day,
            count(*) AS payments,
            sum(amount) AS amount,
            count(*) FILTER (WHERE review_reason IS NOT NULL) AS flagged_payments,
            coalesce(sum(amount) FILTER (WHERE review_reason IS NOT NULL), 0.00)
                AS flagged_amount
        FROM mpesa.payments
        GROUP BY 1;
        COMMENT ON VIEW mpesa.daily_collections IS
            'Successful payments per Kenyan day of their M-Pesa transaction time, each payment '
            'once. Days without a payment have no row.';
        COMMENT ON COLUMN mpesa.daily_collections.day IS
            'The day, in Kenyan time (Africa/Nairobi), of the payments'' TransactionDate.';
        COMMENT ON COLUMN mpesa.daily_collections.payments IS
            'How many payments, flagged ones included.';
        COMMENT ON COLUMN mpesa.daily_collections.amount IS
            'Their total in KES, flagged ones included.';
        COMMENT ON COLUMN mpesa.daily_collections.flagged_payments IS
            'How many of them need review (see mpesa.needs_review).';
        COMMENT ON COLUMN mpesa.daily_collections.flagged_amount IS
            'The total of the flagged ones, in KES.';

        CREATE VIEW mpesa.payment_report WITH (security_barrier) AS
        SELECT (p.transaction_time AT TIME ZONE 'Africa/Nairobi')::date AS day,
            date_trunc('second', p.transaction_time AT TIME ZONE 'Africa/Nairobi')
                AS transaction_time_kenya,
            p.mpesa_receipt_number, p.amount, p.phone_number,
            r.account_reference, r.transaction_description,
            p.checkout_request_id, p.review_reason
        FROM mpesa.payments p
        LEFT JOIN mpesa.stk_requests r ON r.id = p.stk_request_id;
        COMMENT ON VIEW mpesa.payment_report IS
            'One row per successful payment, with the STK request it answers when one was '
            'recorded.';
        COMMENT ON COLUMN mpesa.payment_report.day IS
            'The day, in Kenyan time, of the M-Pesa transaction.';
        COMMENT ON COLUMN mpesa.payment_report.transaction_time_kenya IS
            'When M-Pesa completed the payment (TransactionDate), Kenyan wall-clock time.';
        COMMENT ON COLUMN mpesa.payment_report.mpesa_receipt_number IS
            'The M-Pesa transaction id, as on the statement and in the payer''s SMS.';
        COMMENT ON COLUMN mpesa.payment_report.amount IS 'KES, as M-Pesa reported it.';
        COMMENT ON COLUMN mpesa.payment_report.phone_number IS
            'The payer''s number as M-Pesa sent it; null or masked when M-Pesa withheld it.';
        COMMENT ON COLUMN mpesa.payment_report.account_reference IS
            'The AccountReference of the STK request; null when no request was recorded.';
        COMMENT ON COLUMN mpesa.payment_report.transaction_description IS
            'The TransactionDesc of the STK request; null when no request was recorded.';
        COMMENT ON COLUMN mpesa.payment_report.review_reason IS
            'Why a person should look at this payment; null when nothing is amiss.';

        """

    /// Pushes that failed, and where every push started on a day stands.
    ///
    /// A failure is counted once per checkout request id, from its first
    /// failure callback, or from the STK query when no callback came.
    static let attemptsSQL = """
        CREATE VIEW mpesa.failed_attempts WITH (security_barrier) AS
        WITH failure_callbacks AS (
            SELECT DISTINCT ON (checkout_request_id)
                checkout_request_id, result_code, received_at, stk_request_id
            FROM mpesa.callbacks
            WHERE result_code <> '0'
            ORDER BY checkout_request_id, id
        ), failures AS (
            SELECT f.result_code, f.received_at AS reported_at, r.amount
            FROM failure_callbacks f
            LEFT JOIN mpesa.stk_requests r ON r.id = f.stk_request_id
            UNION ALL
            SELECT result_code, settled_at, amount
            FROM mpesa.stk_requests
            WHERE state = 'failed' AND settled_by = 'query'
        )
        SELECT (f.reported_at AT TIME ZONE 'Africa/Nairobi')::date AS day,
            f.result_code,
            coalesce(c.meaning, 'not in mpesa.result_codes') AS meaning,
            count(*) AS attempts,
            sum(f.amount) AS requested_amount
        FROM failures f
        LEFT JOIN mpesa.result_codes c ON c.code = f.result_code
        GROUP BY 1, 2, 3;
        COMMENT ON VIEW mpesa.failed_attempts IS
            'STK pushes that ended without payment, per Kenyan day the failure was reported '
            'and result code; a failure reported twice counts once.';
        COMMENT ON COLUMN mpesa.failed_attempts.day IS
            'The Kenyan day the failure callback arrived, or the STK query reported it.';
        COMMENT ON COLUMN mpesa.failed_attempts.meaning IS
            'What the code means, from mpesa.result_codes.';
        COMMENT ON COLUMN mpesa.failed_attempts.attempts IS 'How many pushes failed so.';
        COMMENT ON COLUMN mpesa.failed_attempts.requested_amount IS
            'What those pushes asked for, in KES, where the request was recorded.';

        CREATE VIEW mpesa.request_outcomes WITH (security_barrier) AS
        SELECT (created_at AT TIME ZONE 'Africa/Nairobi')::date AS day,
            count(*) AS started,
            count(*) FILTER (WHERE state IN ('accepted', 'paid', 'failed',
                'paid_without_callback')) AS accepted,
            count(*) FILTER (WHERE state = 'refused') AS refused,
            count(*) FILTER (WHERE state IN ('paid', 'paid_without_callback')) AS paid,
            count(*) FILTER (WHERE state = 'paid_without_callback') AS paid_without_callback,
            count(*) FILTER (WHERE state = 'failed') AS failed,
            count(*) FILTER (WHERE state = 'unknown') AS unknown,
            count(*) FILTER (WHERE state IN ('sending', 'accepted')) AS unsettled
        FROM mpesa.stk_requests
        GROUP BY 1;
        COMMENT ON VIEW mpesa.request_outcomes IS
            'STK pushes per Kenyan day they were started, by where they stand now: '
            'started = refused + unknown + paid + failed + unsettled.';
        COMMENT ON COLUMN mpesa.request_outcomes.accepted IS
            'Daraja took the push: paid, failed, or still waiting for the payer.';
        COMMENT ON COLUMN mpesa.request_outcomes.refused IS
            'Daraja refused the push; no prompt was sent.';
        COMMENT ON COLUMN mpesa.request_outcomes.paid IS
            'Paid, by callback or, for paid_without_callback, by the STK query alone.';
        COMMENT ON COLUMN mpesa.request_outcomes.paid_without_callback IS
            'Paid according to the STK query, but no callback came: no receipt is recorded.';
        COMMENT ON COLUMN mpesa.request_outcomes.unknown IS
            'No answer from Daraja after sending: whether a prompt went out is not known.';
        COMMENT ON COLUMN mpesa.request_outcomes.unsettled IS
            'No outcome yet: being sent, or accepted and waiting for the payer.';

        """

    /// The items of `mpesa.needs_review`, each with its reason: the union
    /// that migration 3 made the view of, and that migration 9 filters.
    /// Its lines after the first are indented for where the views put it.
    static let reviewItemsSQL = """
        SELECT 'payment' AS kind, id,
                (transaction_time AT TIME ZONE 'Africa/Nairobi')::date AS day,
                date_trunc('second', transaction_time AT TIME ZONE 'Africa/Nairobi')
                    AS time_kenya,
                checkout_request_id, mpesa_receipt_number, amount, review_reason AS reason
            FROM mpesa.payments
            WHERE review_reason IS NOT NULL
            UNION ALL
            SELECT 'callback', id, (received_at AT TIME ZONE 'Africa/Nairobi')::date,
                date_trunc('second', received_at AT TIME ZONE 'Africa/Nairobi'),
                checkout_request_id, mpesa_receipt_number, amount, review_reason
            FROM mpesa.callbacks
            WHERE review_reason IS NOT NULL
            UNION ALL
            SELECT 'stk_request', id, (created_at AT TIME ZONE 'Africa/Nairobi')::date,
                date_trunc('second', created_at AT TIME ZONE 'Africa/Nairobi'),
                checkout_request_id, NULL, amount,
                CASE state
                    WHEN 'paid_without_callback' THEN 'the STK query says paid but no callback '
                        'came: no receipt or payment is recorded'
                    WHEN 'unknown' THEN 'Daraja did not answer the push: whether the payer was '
                        'prompted is not known'
                    ELSE 'still unsettled an hour after it was started'
                END
            FROM mpesa.stk_requests
            WHERE state IN ('paid_without_callback', 'unknown')
                OR (state IN ('sending', 'accepted') AND created_at < now() - interval '1 hour')
            UNION ALL
            SELECT 'rejected_callback', id, (received_at AT TIME ZONE 'Africa/Nairobi')::date,
                date_trunc('second', received_at AT TIME ZONE 'Africa/Nairobi'),
                NULL, NULL, NULL, 'callback body rejected (' || kind || '): ' || reason
            FROM mpesa.rejected_callbacks
        """

    /// What a person should look at. A push is expected to settle within
    /// minutes (the callback comes in about a minute, the reconciler asks
    /// the STK query after a few); one unsettled after an hour means both
    /// have failed for it.
    ///
    /// The union sits in a subquery because PostgreSQL flattens a view that
    /// is a bare UNION ALL into the reader's query, barrier or not.
    static let needsReviewSQL = """
        CREATE VIEW mpesa.needs_review WITH (security_barrier) AS
        SELECT kind, id, day, time_kenya, checkout_request_id, mpesa_receipt_number, amount,
            reason
        FROM (
            \(reviewItemsSQL)
        ) AS items;
        COMMENT ON VIEW mpesa.needs_review IS
            'Everything a person should look at, with the reason: flagged payments, callbacks '
            'that reuse a receipt, STK requests paid without a callback, of unknown outcome or '
            'unsettled after an hour, and rejected callback bodies (never the bytes).';
        COMMENT ON COLUMN mpesa.needs_review.kind IS
            'payment, callback, stk_request or rejected_callback.';
        COMMENT ON COLUMN mpesa.needs_review.id IS
            'The row''s id in mpesa.payments, mpesa.callbacks, mpesa.stk_requests or '
            'mpesa.rejected_callbacks, by kind, for the operators.';
        COMMENT ON COLUMN mpesa.needs_review.day IS 'The Kenyan day of time_kenya.';
        COMMENT ON COLUMN mpesa.needs_review.time_kenya IS
            'Kenyan time of the payment''s transaction, the delivery''s arrival or the push''s '
            'start.';

        """

    /// The role, created when missing. Two databases of one cluster may
    /// migrate at once: the loser of that race finds the role made and goes
    /// on. A migrator without CREATEROLE gets a message saying what to do.
    private static let financeRoleSQL = """
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mpesa_finance') THEN
                CREATE ROLE mpesa_finance NOLOGIN;
                COMMENT ON ROLE mpesa_finance IS
                    'Finance staff: may read the mpesa reporting views and nothing else.';
            END IF;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role mpesa_finance does not exist and this role may not '
                    'create it: a role with CREATEROLE should run CREATE ROLE mpesa_finance '
                    'NOLOGIN, then migrate again'
                    USING ERRCODE = 'insufficient_privilege';
        END
        $$;
        GRANT USAGE ON SCHEMA mpesa TO mpesa_finance;
        GRANT SELECT ON mpesa.daily_collections, mpesa.payment_report, mpesa.failed_attempts,
            mpesa.request_outcomes, mpesa.needs_review TO mpesa_finance;
        """
}
