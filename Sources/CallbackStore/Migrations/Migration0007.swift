extension Migration {
    /// Compares Daraja's identifiers and phone numbers byte by byte.
    ///
    /// These columns hold ASCII identifiers that no one sorts as words, yet
    /// each comparison in their indexes went through the database's locale
    /// (`strcoll`), which is slower than a byte comparison everywhere and
    /// much slower in a locale such as `en_US.UTF-8`; every callback makes
    /// dozens of such comparisons. With the `C` collation equality and
    /// uniqueness are unchanged and order is byte order, which for ASCII is
    /// the order the locale gave.
    ///
    /// A column that a view reads cannot change its collation, so the five
    /// reporting views of migration 3 are dropped and made again, as they
    /// were, with their grant. The tables are not rewritten; their indexes
    /// on these columns are rebuilt, which holds the tables' locks for as
    /// long as that takes. A view of an operator's own over these columns
    /// makes this migration fail, changing nothing (README: Upgrades).
    static let identifiersInByteOrder = Migration(
        version: 7, name: "identifiers compared byte by byte",
        sql: byteOrderSQL + collectionsSQL + attemptsSQL + needsReviewSQL + viewGrantSQL)

    private static let byteOrderSQL = """
        DROP VIEW mpesa.needs_review, mpesa.request_outcomes, mpesa.failed_attempts,
            mpesa.payment_report, mpesa.daily_collections;

        ALTER TABLE mpesa.stk_requests
            ALTER COLUMN merchant_request_id TYPE text COLLATE "C",
            ALTER COLUMN checkout_request_id TYPE text COLLATE "C",
            ALTER COLUMN phone_number TYPE text COLLATE "C";
        ALTER TABLE mpesa.callbacks
            ALTER COLUMN merchant_request_id TYPE text COLLATE "C",
            ALTER COLUMN checkout_request_id TYPE text COLLATE "C",
            ALTER COLUMN mpesa_receipt_number TYPE text COLLATE "C",
            ALTER COLUMN phone_number TYPE text COLLATE "C";
        ALTER TABLE mpesa.payments
            ALTER COLUMN merchant_request_id TYPE text COLLATE "C",
            ALTER COLUMN checkout_request_id TYPE text COLLATE "C",
            ALTER COLUMN mpesa_receipt_number TYPE text COLLATE "C",
            ALTER COLUMN phone_number TYPE text COLLATE "C";

        """

    private static let viewGrantSQL = """
        GRANT SELECT ON mpesa.daily_collections, mpesa.payment_report, mpesa.failed_attempts,
            mpesa.request_outcomes, mpesa.needs_review TO mpesa_finance;
        """
}
