import PostgresClient

/// Why the sender could not do what it was asked. Every case says whether
/// anything reached Daraja; descriptions never hold a secret or a phone number.
public enum StkSenderError: Error, Sendable, CustomStringConvertible {
    /// The order failed the checks before sending: nothing recorded or sent.
    case invalid(StkPushInvalid)
    /// No access token could be had: nothing recorded or sent.
    case tokenUnavailable(DarajaError)
    /// PostgreSQL could not be used: nothing was sent.
    case database(PostgresError)
    /// Daraja answered, but its answer could not be written; the row stays
    /// `sending`. The checkout request id is known when Daraja accepted.
    case notRecorded(requestID: String, checkoutRequestID: String?, PostgresError)
    /// The STK query got no usable answer.
    case queryFailed(DarajaError)

    public var description: String {
        switch self {
        case .invalid(let invalid):
            "invalid push: \(invalid)"
        case .tokenUnavailable(let error):
            "no Daraja access token: \(error)"
        case .database(let error):
            "database unavailable: \(error)"
        case .notRecorded(let requestID, let checkoutRequestID, let error):
            "Daraja's answer to request \(requestID) (checkout request id "
                + "\(checkoutRequestID ?? "none")) was not recorded: \(error)"
        case .queryFailed(let error):
            "STK query failed: \(error)"
        }
    }
}
