import ServiceKit

extension ExitCode {
    /// The push failed the checks before sending (`EX_DATAERR`); nothing was sent.
    static let invalidInput = ExitCode(rawValue: 65)
    /// PostgreSQL or Daraja's OAuth could not be used (`EX_UNAVAILABLE`); nothing was sent.
    static let unavailable = ExitCode(rawValue: 69)
    /// The push was sent and no answer came (`EX_TEMPFAIL`): it may have
    /// started, and must not be sent again blindly.
    static let outcomeUnknown = ExitCode(rawValue: 75)
}
