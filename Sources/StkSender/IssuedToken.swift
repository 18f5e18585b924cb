import ServiceKit

/// An access token as Daraja's OAuth call hands it out.
struct IssuedToken: Sendable {
    let value: Secret
    /// Seconds from issue until Daraja stops accepting it.
    let lifetimeSeconds: Int

    /// Reads a token answer: `access_token` and `expires_in`, which Daraja
    /// has sent both as a number (`3599`) and as a string (`"3599"`).
    ///
    /// - Returns: the token, or why the answer is not one. Any status other
    ///   than 200 is a refusal, with or without a JSON body.
    static func read(status: Int, body: [UInt8]) -> Result<IssuedToken, DarajaError> {
        let object = DarajaAnswer.object(body)
        guard status == 200 else {
            let envelope = object.flatMap(DarajaError.envelope)
            return .failure(
                envelope ?? DarajaError(code: "http_\(status)", message: "OAuth refused"))
        }
        guard let object, let token = object["access_token"]?.stringValue, !token.isEmpty,
            token.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
        else {
            return .failure(
                DarajaError(code: "unreadable_answer", message: "OAuth answer without a token"))
        }
        guard let lifetimeText = DarajaAnswer.text(object["expires_in"]),
            let lifetime = Int(lifetimeText), lifetime > 0
        else {
            return .failure(
                DarajaError(
                    code: "unreadable_answer", message: "OAuth answer without a valid expires_in"))
        }
        return .success(IssuedToken(value: Secret(token), lifetimeSeconds: lifetime))
    }

    /// When to fetch the next token, in seconds from issue: a few minutes
    /// before expiry, or at three quarters of a short lifetime.
    var refreshAfterSeconds: Int {
        lifetimeSeconds - min(300, lifetimeSeconds / 4)
    }
}
