import Foundation
import ServiceKit

/// The access tokens of the one app the simulator knows.
///
/// As on Daraja, issuing a token invalidates the one before it, so that a
/// sender that fetches a token per request, or per process, breaks the
/// others. Thread rules: loop thread only.
struct TokenIssuer {
    private let consumerKey: Secret
    private let consumerSecret: Secret
    private let lifetime: Duration
    private var current: (value: Secret, expiresAt: ContinuousClock.Instant)?
    /// Tokens issued since start.
    private(set) var issuedCount = 0

    init(consumerKey: Secret, consumerSecret: Secret, lifetime: Duration) {
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.lifetime = lifetime
    }

    /// The seconds Daraja writes in `expires_in`.
    var lifetimeSeconds: Int64 {
        lifetime.components.seconds
    }

    /// Whether an `Authorization` header carries the app's key and secret
    /// as HTTP Basic credentials; nil when it is not Basic at all.
    func checkBasic(_ header: String?) -> Bool? {
        guard let header, header.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))),
            let text = String(data: decoded, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else {
            return nil
        }
        // Both compared in full, so that the time taken tells nothing.
        let isKey = consumerKey.constantTimeEquals(String(text[..<colon]))
        let isSecret = consumerSecret.constantTimeEquals(String(text[text.index(after: colon)...]))
        return isKey && isSecret
    }

    /// Issues a new token; the previous one stops working.
    mutating func issue(_ value: String) {
        current = (Secret(value), .now + lifetime)
        issuedCount += 1
    }

    /// Whether an `Authorization` header carries the current, unexpired token.
    func isValidBearer(_ header: String?) -> Bool {
        guard let current, ContinuousClock.now < current.expiresAt, let header,
            header.hasPrefix("Bearer ")
        else {
            return false
        }
        return current.value.constantTimeEquals(Array(header.dropFirst(7).utf8))
    }

    /// Invalidates the current token without issuing another, as a token
    /// fetched by someone else with the same key would.
    mutating func invalidate() {
        current = nil
    }
}
