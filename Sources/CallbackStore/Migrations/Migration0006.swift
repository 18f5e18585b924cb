extension Migration {
    /// Drops the foreign key from `mpesa.payments.callback_id` to
    /// `mpesa.callbacks`.
    ///
    /// Every payment is inserted by the statement that inserts its callback,
    /// from the row that statement has just returned (`record_callbacks`),
    /// and no role may delete a callback, so the key could never fail; but
    /// PostgreSQL checked it for every payment with a query of its own that
    /// also locks the callback row and writes that lock to the WAL: about a
    /// tenth of the work of recording a batch (`deploy/bench/statement`).
    /// The unique index on `callback_id` stays, and so does every other key.
    static let paymentsWithoutCallbackCheck = Migration(
        version: 6, name: "payments without a per-row callback check",
        sql: """
            ALTER TABLE mpesa.payments DROP CONSTRAINT payments_callback_id_fkey;
            COMMENT ON COLUMN mpesa.payments.callback_id IS
                'The callback that added this payment, in the same statement; '
                'mpesa.callbacks.id (no foreign key: it was checked row by row).';
            """)
}
