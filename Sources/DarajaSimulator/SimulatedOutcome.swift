/// What happens to a push the simulator accepts, chosen by the last four
/// digits of its phone number, so that a developer picks an outcome with
/// nothing more than `mpesa-stk push --phone 0700001032`.
///
/// Where a failure has a Daraja result code, the four digits are that code
/// (`1032` cancelled, `2001` wrong PIN); `999x` are the delivery faults.
/// Every other number pays.
public enum SimulatedOutcome: String, Sendable, CaseIterable {
    /// The customer enters the PIN: result code 0, with a receipt.
    case paid
    /// `0001`: result code 1, not enough money.
    case insufficientFunds = "insufficient_funds"
    /// `1019`: result code 1019, the prompt expired.
    case expired
    /// `1032`: result code 1032, the customer cancelled.
    case cancelled
    /// `1037`: result code 1037, the phone could not be reached.
    case timeout
    /// `2001`: result code 2001, wrong PIN.
    case wrongPIN = "wrong_pin"
    /// `9990`: paid, and the callback is never sent (a lost callback).
    case callbackNeverSent = "callback_never_sent"
    /// `9991`: paid, but the answer to the push comes only after a long
    /// delay, so that the sender gives up and records `unknown`.
    case slowAnswer = "slow_answer"
    /// `9992`: paid, and the same callback is sent twice.
    case callbackSentTwice = "callback_sent_twice"
    /// `9993`: cancelled by the customer (1032), and the callback is never
    /// sent: only the STK query can tell.
    case cancelledCallbackNeverSent = "cancelled_callback_never_sent"

    /// The outcome for a normalised phone number such as `254700001032`.
    public init(phoneNumber: String) {
        switch phoneNumber.suffix(4) {
        case "0001": self = .insufficientFunds
        case "1019": self = .expired
        case "1032": self = .cancelled
        case "1037": self = .timeout
        case "2001": self = .wrongPIN
        case "9990": self = .callbackNeverSent
        case "9991": self = .slowAnswer
        case "9992": self = .callbackSentTwice
        case "9993": self = .cancelledCallbackNeverSent
        default: self = .paid
        }
    }

    /// The callback's `ResultCode` and `ResultDesc`, worded as Safaricom
    /// has worded them.
    public var result: (code: Int32, description: String) {
        switch self {
        case .paid, .callbackNeverSent, .slowAnswer, .callbackSentTwice:
            (0, "The service request is processed successfully.")
        case .insufficientFunds: (1, "The balance is insufficient for the transaction.")
        case .expired: (1019, "Transaction has expired")
        case .cancelled, .cancelledCallbackNeverSent: (1032, "Request Cancelled by user.")
        case .timeout: (1037, "DS timeout user cannot be reached")
        case .wrongPIN: (2001, "The initiator information is invalid.")
        }
    }

    /// How many times the callback is posted.
    public var callbackCount: Int {
        switch self {
        case .callbackNeverSent, .cancelledCallbackNeverSent: 0
        case .callbackSentTwice: 2
        default: 1
        }
    }
}
