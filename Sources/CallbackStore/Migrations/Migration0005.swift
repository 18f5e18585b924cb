extension Migration {
    /// An index for the read API's exact-phone filter, which support staff
    /// use to answer "did my payment arrive?".
    static let readIndexes = Migration(
        version: 5, name: "read API indexes",
        sql: """
            CREATE INDEX callbacks_phone_number_idx ON mpesa.callbacks (phone_number, id)
                WHERE phone_number IS NOT NULL;
            CREATE INDEX payments_phone_number_idx ON mpesa.payments (phone_number, id)
                WHERE phone_number IS NOT NULL;
            """)
}
