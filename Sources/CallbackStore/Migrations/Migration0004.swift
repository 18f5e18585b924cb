extension Migration {
    /// The role the daemon connects as in production; `deploy/sql/roles.sql`
    /// creates it.
    public static let daemonRole = "mpesa_daemon"

    /// The daemon's privileges on the tables so far: read what it reads,
    /// insert what it records, and update only the columns it settles.
    /// Nothing lets it delete a row or change a payment.
    static let daemonGrants = Migration(
        version: 4, name: "privileges of the daemon role",
        sql: grantsToDaemon(
            """
            GRANT USAGE ON SCHEMA mpesa TO mpesa_daemon;
            GRANT SELECT ON mpesa.schema_migrations TO mpesa_daemon;

            -- The receiver appends every delivery and every payment.
            GRANT SELECT, INSERT
                ON mpesa.callbacks, mpesa.payments, mpesa.rejected_callbacks
                TO mpesa_daemon;

            -- The sender records each push before sending it; Daraja's answer,
            -- a callback or the reconciler's query then settles it.
            GRANT SELECT, INSERT ON mpesa.stk_requests TO mpesa_daemon;
            GRANT UPDATE (
                updated_at, merchant_request_id, checkout_request_id, state, error_code,
                error_message, result_code, result_desc, callback_id, settled_at, settled_by,
                query_attempts, next_query_at, query_lease_until, last_query_result
            ) ON mpesa.stk_requests TO mpesa_daemon;

            -- The sender shares one Daraja access token per consumer key.
            GRANT SELECT, INSERT, UPDATE ON mpesa.daraja_tokens TO mpesa_daemon;
            """))

    /// Wraps `statements`, grants to `mpesa_daemon`, so that they run only
    /// where that role exists: a development database without the roles
    /// migrates the same way. A later migration that adds a table the daemon
    /// uses grants its privileges through this, in a migration that does
    /// nothing else: `deploy/sql/roles.sql` has such migrations applied again
    /// once the role exists, and lists their versions.
    static func grantsToDaemon(_ statements: String) -> String {
        """
        DO $grants$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(daemonRole)') THEN
                RAISE NOTICE 'role \(daemonRole) does not exist: no privileges granted';
                RETURN;
            END IF;
        \(statements)
        END
        $grants$;
        """
    }
}
