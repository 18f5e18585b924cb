extension Migration {
    /// Lets the daemon's role set a callback's `review_reason`, and nothing
    /// else of a callback.
    ///
    /// A success that added no payment and got no reason from its batch (a
    /// repeated delivery, or the loser of a race with a transaction beside
    /// its own) is checked after the batch by `flag_conflicting_successes`,
    /// which sets the reason of a loser. Migration 4 granted the role no
    /// update on `mpesa.callbacks`, so under `mpesa_daemon` every such check
    /// was refused and a loser of a race stayed unflagged; a database
    /// without the roles, as in development, never showed it.
    /// `DatabaseRoleTests` runs the check as the role.
    static let daemonMayFlagCallbacks = Migration(
        version: 8, name: "the daemon may flag a callback for review",
        sql: grantsToDaemon(
            """
            GRANT UPDATE (review_reason) ON mpesa.callbacks TO mpesa_daemon;
            """))
}
