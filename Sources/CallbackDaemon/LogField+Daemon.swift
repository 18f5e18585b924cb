import ServiceKit

extension LogField {
    /// The Daraja `ResultCode` of a callback, as text.
    static let resultCode = LogField("result_code")
    /// What a success did to `mpesa.payments`: `added`, `already_recorded`, `replay`.
    static let payment = LogField("payment")
    /// Whether the record was flagged for a person to review.
    static let review = LogField("review")
    /// The low-cardinality class of a rejection, such as `wrong_type`, or
    /// the kind of a review item, such as `rejected_callback`.
    static let kind = LogField("kind")
    /// The id of a review item, in the table its `kind` names.
    static let itemID = LogField("item_id")
    /// How many requests are still being answered.
    static let inFlight = LogField("in_flight")
    /// Where a delivery was made durable: `database` or `spool`.
    static let stored = LogField("stored")
    /// A directory, such as the spool's.
    static let directory = LogField("directory")
    /// Migrations applied by this start.
    static let applied = LogField("applied")
    /// The settings a reload changed, comma-separated names, never values.
    static let changed = LogField("changed")
    /// Where a listening socket came from: `passed` by systemd, or `bound`.
    static let socket = LogField("socket")
    /// An interval, in milliseconds.
    static let intervalMS = LogField("interval_ms")
    /// The TCP peer of a request, when it differs in meaning from its source (a proxy).
    static let peer = LogField("peer")
    /// Connections dropped to make room under the cap.
    static let overCap = LogField("over_cap")
    /// Connections dropped because a request was incomplete at its deadline.
    static let pastDeadline = LogField("past_deadline")
    /// A limit, such as the open-file limit.
    static let limit = LogField("limit")
    /// The connections each listener may hold open.
    static let maximumConnections = LogField("max_connections")
}
