extension Migration {
    /// Drops the foreign keys between callbacks, payments and STK requests.
    ///
    /// `record_callbacks` is the only statement that writes these columns,
    /// and it writes each from a row it has just read or inserted itself:
    /// a callback's and a payment's `stk_request_id` from the request it
    /// joined, a payment's `callback_id` and a request's `callback_id` from
    /// the callback it inserted. No role may delete a row of these tables.
    /// So the keys could never fail, but PostgreSQL checked each of them for
    /// every row with a query of its own that also locked the referenced row
    /// and wrote that lock to the WAL: without requests, a tenth of the work
    /// of recording a batch; with a request per callback, as when pushes go
    /// out through `mpesa-stk`, a quarter (`deploy/bench/statement`). The
    /// unique indexes stay, and `ReferenceTests` checks that no reference
    /// dangles after a mixed workload.
    static let noPerRowReferenceChecks = Migration(
        version: 6, name: "no per-row reference checks",
        sql: """
            ALTER TABLE mpesa.payments DROP CONSTRAINT payments_callback_id_fkey;
            ALTER TABLE mpesa.payments DROP CONSTRAINT payments_stk_request_id_fkey;
            ALTER TABLE mpesa.callbacks DROP CONSTRAINT callbacks_stk_request_id_fkey;
            ALTER TABLE mpesa.stk_requests DROP CONSTRAINT stk_requests_callback_id_fkey;
            COMMENT ON COLUMN mpesa.payments.callback_id IS
                'mpesa.callbacks.id of the callback that added this payment.';
            COMMENT ON COLUMN mpesa.payments.stk_request_id IS
                'mpesa.stk_requests.id of the push this payment answers, if one was recorded.';
            COMMENT ON COLUMN mpesa.callbacks.stk_request_id IS
                'mpesa.stk_requests.id of the push this callback answers, if one was recorded.';
            COMMENT ON COLUMN mpesa.stk_requests.callback_id IS
                'mpesa.callbacks.id of the first callback for this push.';
            """)
}
