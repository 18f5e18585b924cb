/// What Daraja's answer to an STK push means for the request.
enum StkPushReply: Sendable, Equatable {
    /// Daraja took the push: the prompt is on its way, nothing is paid yet.
    case accepted(merchantRequestID: String, checkoutRequestID: String)
    /// Daraja, or the connection, refused it: nothing will happen.
    case refused(DarajaError)
    /// The token is no longer valid: nothing was done; refresh and retry.
    case invalidToken
    /// The push may or may not have started; it must not be sent again.
    case unknown(DarajaError)

    init(_ exchange: DarajaExchange) {
        switch exchange {
        case .notSent(let failure):
            self = .refused(DarajaError(code: failure.code, message: failure.message))
        case .noAnswer(let failure):
            self = .unknown(DarajaError(code: failure.code, message: failure.message))
        case .answered(let status, let body):
            self = Self.read(status: status, body: body)
        }
    }

    private static func read(status: Int, body: [UInt8]) -> StkPushReply {
        let object = DarajaAnswer.object(body)
        if let envelope = object.flatMap(DarajaError.envelope) {
            return envelope.code == DarajaError.invalidAccessTokenCode
                ? .invalidToken : .refused(envelope)
        }
        if let object, let responseCode = DarajaAnswer.text(object["ResponseCode"]) {
            let description = object["ResponseDescription"]?.stringValue ?? ""
            guard responseCode == "0" else {
                return .refused(DarajaError(code: responseCode, message: description))
            }
            if status == 200, let merchant = object["MerchantRequestID"]?.stringValue,
                let checkout = object["CheckoutRequestID"]?.stringValue,
                !merchant.isEmpty, !checkout.isEmpty
            {
                return .accepted(merchantRequestID: merchant, checkoutRequestID: checkout)
            }
        }
        switch status {
        case 401:
            // A gateway in front of Daraja answers a stale token this way.
            return .invalidToken
        case 400..<500:
            return .refused(
                DarajaError(code: "http_\(status)", message: "refused without a Daraja error"))
        default:
            // A 5xx from a gateway, or a 200 that is not an acceptance: the
            // push may have started, and only the callback can tell.
            return .unknown(
                DarajaError(
                    code: "unreadable_answer",
                    message: "HTTP \(status) without a Daraja acceptance or error"))
        }
    }
}
