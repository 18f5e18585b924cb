import PostgresClient

/// The SQL behind the access token shared through `mpesa.daraja_tokens`.
///
/// Each statement takes the consumer key as `$1` and digests it in SQL, so
/// the key itself is never stored. Times are the server's, so that every
/// process agrees on them whatever its own clock says.
enum TokenStatements {
    /// The stored token while it has not expired, with the seconds left
    /// until it should be refreshed (negative once it should).
    static let read = PreparedStatement(
        name: "sender_read_token",
        sql: """
            SELECT access_token, generation,
                extract(epoch FROM refresh_after - now())::float8 AS fresh_seconds
            FROM mpesa.daraja_tokens
            WHERE key_digest = sha256(convert_to($1, 'UTF8'))
                AND access_token IS NOT NULL AND expires_at > now()
            """)

    /// Takes the lease to fetch a new token, for `$3` seconds, when nobody
    /// holds it and the stored token is missing, due for refresh, or of a
    /// generation at most `$4` (one the caller was told is invalid).
    ///
    /// Returns a row only when the lease was taken.
    static let takeLease = PreparedStatement(
        name: "sender_take_token_lease",
        sql: """
            INSERT INTO mpesa.daraja_tokens AS t (key_digest, lease_holder, lease_until)
            VALUES (sha256(convert_to($1, 'UTF8')), $2, now() + make_interval(secs => $3::float8))
            ON CONFLICT (key_digest) DO UPDATE
            SET lease_holder = excluded.lease_holder, lease_until = excluded.lease_until,
                updated_at = now()
            WHERE (t.lease_until IS NULL OR t.lease_until < now())
                AND (t.access_token IS NULL OR t.refresh_after <= now()
                    OR t.expires_at <= now() OR t.generation <= $4::bigint)
            RETURNING generation
            """)

    /// Stores a new token and gives the lease back, if the caller still
    /// holds it; returns the new generation.
    static let store = PreparedStatement(
        name: "sender_store_token",
        sql: """
            UPDATE mpesa.daraja_tokens
            SET access_token = $3, generation = generation + 1, obtained_at = now(),
                refresh_after = now() + make_interval(secs => $4::float8),
                expires_at = now() + make_interval(secs => $5::float8),
                lease_holder = NULL, lease_until = NULL, updated_at = now()
            WHERE key_digest = sha256(convert_to($1, 'UTF8')) AND lease_holder = $2
            RETURNING generation
            """)

    /// Gives the lease back after a failed fetch.
    static let releaseLease = PreparedStatement(
        name: "sender_release_token_lease",
        sql: """
            UPDATE mpesa.daraja_tokens
            SET lease_holder = NULL, lease_until = NULL, updated_at = now()
            WHERE key_digest = sha256(convert_to($1, 'UTF8')) AND lease_holder = $2
            """)

    static let all = [read, takeLease, store, releaseLease]
}
