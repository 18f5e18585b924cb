import MpesaCore

/// What the STK query API says about one push.
public enum StkQueryResult: Sendable, Equatable {
    /// The push has an outcome: `ResultCode` `0` is paid, anything else failed.
    case completed(resultCode: String, resultDescription: String)
    /// No outcome yet: `4999`, or Daraja's `500.001.1001`, which on the query
    /// means "no answer this time", never "failed".
    case pending(message: String)

    /// The result as JSON for the command line.
    public func jsonBytes(checkoutRequestID: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("checkout_request_id")
        writer.string(checkoutRequestID)
        switch self {
        case .completed(let resultCode, let resultDescription):
            writer.key("status")
            writer.string("completed")
            writer.key("result_code")
            writer.string(resultCode)
            writer.key("result_desc")
            writer.string(resultDescription)
        case .pending(let message):
            writer.key("status")
            writer.string("pending")
            writer.key("message")
            writer.string(message)
        }
        writer.endObject()
        return writer.bytes
    }
}

/// What Daraja's answer to an STK query means.
enum StkQueryReply: Sendable, Equatable {
    case result(StkQueryResult)
    case invalidToken
    case failed(DarajaError)

    /// Codes that mean the outcome is not known yet.
    static let pendingResultCode = "4999"
    static let busyErrorCode = "500.001.1001"

    init(_ exchange: DarajaExchange) {
        switch exchange {
        case .notSent(let failure), .noAnswer(let failure):
            self = .failed(DarajaError(code: failure.code, message: failure.message))
        case .answered(let status, let body):
            self = Self.read(status: status, body: body)
        }
    }

    private static func read(status: Int, body: [UInt8]) -> StkQueryReply {
        guard let object = DarajaAnswer.object(body) else {
            return status == 401
                ? .invalidToken
                : .failed(
                    DarajaError(code: "unreadable_answer", message: "HTTP \(status), not JSON"))
        }
        if let envelope = DarajaError.envelope(in: object) {
            switch envelope.code {
            case DarajaError.invalidAccessTokenCode: return .invalidToken
            case busyErrorCode: return .result(.pending(message: envelope.message))
            default: return .failed(envelope)
            }
        }
        guard let resultCode = DarajaAnswer.text(object["ResultCode"]) else {
            return .failed(
                DarajaError(code: "unreadable_answer", message: "HTTP \(status) without ResultCode")
            )
        }
        let description = object["ResultDesc"]?.stringValue ?? ""
        guard resultCode != pendingResultCode else {
            return .result(.pending(message: description))
        }
        return .result(.completed(resultCode: resultCode, resultDescription: description))
    }
}
