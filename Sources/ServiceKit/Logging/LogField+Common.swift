/// Field names shared by every module. Add a module's own names in that module.
extension LogField {
    /// The id the HTTP layer gives each request; on every line about that request.
    public static let requestID = LogField("request_id")
    /// Daraja's `CheckoutRequestID`, once it is known.
    public static let checkoutRequestID = LogField("checkout_request_id")
    /// Daraja's `MerchantRequestID`.
    public static let merchantRequestID = LogField("merchant_request_id")
    /// How an operation ended, such as `success`, `duplicate` or `rejected`.
    public static let outcome = LogField("outcome")
    /// Why something was refused or failed, as a short constant phrase.
    public static let reason = LogField("reason")
    /// An HTTP status code.
    public static let status = LogField("status")
    /// How long an operation took, in milliseconds.
    public static let durationMS = LogField("duration_ms")
    /// An HTTP method.
    public static let method = LogField("method")
    /// An HTTP path, with any secret token removed before logging.
    public static let path = LogField("path")
    /// The peer address a request came from.
    public static let source = LogField("source")
    /// Which listener a line is about, such as `public` or `admin`.
    public static let listener = LogField("listener")
    /// A socket address, such as a listener's `host:port`.
    public static let address = LogField("address")
    /// An error's description, which is safe to print.
    public static let error = LogField("error")
    /// A PostgreSQL SQLSTATE code.
    public static let sqlState = LogField("sqlstate")
    /// Which try of a retried operation this is, starting at 1.
    public static let attempt = LogField("attempt")
    /// How long before the next try, in milliseconds.
    public static let delayMS = LogField("delay_ms")
    /// How many items an operation handled.
    public static let count = LogField("count")
    /// How many items are waiting, such as spool files or queued writes.
    public static let depth = LogField("depth")
    /// The state something is in or moved to.
    public static let state = LogField("state")
    /// A version, such as `ServiceVersion.current` or a migration number.
    public static let version = LogField("version")
    /// The name of a signal the process received, such as `SIGHUP`.
    public static let signal = LogField("signal")
    /// The name of a configuration variable.
    public static let setting = LogField("setting")
    /// A value before a change.
    public static let old = LogField("old")
    /// A value after a change.
    public static let new = LogField("new")
}
