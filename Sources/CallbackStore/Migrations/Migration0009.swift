extension Migration {
    /// Lets a person mark an item of `mpesa.needs_review` as dealt with.
    ///
    /// Until now an item stayed listed until its row changed, so the review
    /// list only grew. A resolution names the item by kind and id and by the
    /// reason it was listed for, with a note: the item leaves the list, and
    /// comes back only if it is listed again for another reason (a push
    /// first `unknown`, later paid without a callback). Resolutions are kept,
    /// never changed; finance staff read them in `mpesa.resolved_reviews`.
    /// The daemon writes them for `POST /v1/reviews/{kind}/{id}/resolve`.
    static let reviewResolutions = Migration(
        version: 9, name: "review items can be marked as dealt with", sql: resolutionsSQL)

    /// The daemon's privileges for the review route, in a migration of their
    /// own: `deploy/sql/roles.sql` applies the grant-only migrations again
    /// on a database migrated before the roles existed, and a table cannot
    /// be made twice.
    static let daemonMayResolveReviews = Migration(
        version: 10, name: "the daemon may mark review items as dealt with",
        sql: grantsToDaemon(
            """
            GRANT SELECT, INSERT ON mpesa.review_resolutions TO mpesa_daemon;
            -- A resolution is made from the item as the view lists it.
            GRANT SELECT ON mpesa.needs_review TO mpesa_daemon;
            """))

    private static let resolutionsSQL = """
        CREATE TABLE mpesa.review_resolutions (
            kind text NOT NULL
                CHECK (kind IN ('payment', 'callback', 'stk_request', 'rejected_callback')),
            item_id bigint NOT NULL,
            reason text NOT NULL,
            note text NOT NULL CHECK (note <> '' AND length(note) <= 1000),
            resolved_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (kind, item_id, reason)
        );
        COMMENT ON TABLE mpesa.review_resolutions IS
            'Items of mpesa.needs_review marked as dealt with, each for the reason it was '
            'listed for, with a person''s note.';

        CREATE OR REPLACE VIEW mpesa.needs_review WITH (security_barrier) AS
        SELECT kind, id, day, time_kenya, checkout_request_id, mpesa_receipt_number, amount,
            reason
        FROM (
            \(reviewItemsSQL)
        ) AS items
        WHERE NOT EXISTS (
            SELECT FROM mpesa.review_resolutions r
            WHERE r.kind = items.kind AND r.item_id = items.id AND r.reason = items.reason);
        COMMENT ON VIEW mpesa.needs_review IS
            'Everything a person should look at, with the reason: flagged payments, callbacks '
            'that reuse a receipt, STK requests paid without a callback, of unknown outcome or '
            'unsettled after an hour, and rejected callback bodies (never the bytes); an item '
            'marked as dealt with for its reason is left out (mpesa.resolved_reviews).';

        CREATE VIEW mpesa.resolved_reviews WITH (security_barrier) AS
        SELECT kind, item_id AS id, reason, note,
            date_trunc('second', resolved_at AT TIME ZONE 'Africa/Nairobi') AS resolved_kenya
        FROM mpesa.review_resolutions;
        COMMENT ON VIEW mpesa.resolved_reviews IS
            'Items taken off mpesa.needs_review as dealt with: kind and id as listed there, the '
            'reason they were listed for, the note, and when (Kenyan time).';
        GRANT SELECT ON mpesa.resolved_reviews TO mpesa_finance;

        """
}
