import ServiceKit

extension LogField {
    /// The id of a row in `mpesa.stk_requests`.
    public static let stkRequestID = LogField("stk_request_id")
    /// Daraja's error code, such as `400.002.02`, or a local one.
    public static let errorCode = LogField("error_code")
    /// The generation of the shared access token.
    public static let tokenGeneration = LogField("token_generation")
    /// Which Daraja the sender talks to: `sandbox`, `production` or a base URL.
    public static let daraja = LogField("daraja")
}

extension LogField {
    /// Whether a reconciliation settled the request.
    public static let settled = LogField("settled")
}
