extension Migration {
    /// The sender's shared Daraja access token: one row per consumer key.
    ///
    /// Daraja invalidates a token when it issues the next one for the same
    /// key, so every process using a key must share one token. The lease
    /// columns let one process at a time fetch a new one while the others
    /// wait for it.
    static let senderTokens = Migration(
        version: 2, name: "shared Daraja access token",
        sql: """
            CREATE TABLE mpesa.daraja_tokens (
                key_digest bytea PRIMARY KEY,
                access_token text,
                generation bigint NOT NULL DEFAULT 0,
                obtained_at timestamptz,
                refresh_after timestamptz,
                expires_at timestamptz,
                lease_holder text,
                lease_until timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now(),
                CHECK ((access_token IS NULL) = (expires_at IS NULL)),
                CHECK ((lease_holder IS NULL) = (lease_until IS NULL))
            );
            COMMENT ON TABLE mpesa.daraja_tokens IS
                'The Daraja access token shared by every sender using a consumer key. '
                'Secret: no reporting role is granted anything on it.';
            COMMENT ON COLUMN mpesa.daraja_tokens.key_digest IS
                'sha256 of the consumer key, so that the key itself is never stored.';
            COMMENT ON COLUMN mpesa.daraja_tokens.generation IS
                'Counts the tokens stored for the key; a sender told that its token is '
                'invalid refreshes only if no newer generation has been stored meanwhile.';
            COMMENT ON COLUMN mpesa.daraja_tokens.lease_holder IS
                'The sender fetching a new token until lease_until; others wait for it.';
            REVOKE ALL ON mpesa.daraja_tokens FROM PUBLIC;
            """)
}
