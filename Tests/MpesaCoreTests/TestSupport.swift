import MpesaCore

/// A callback body for tests: a real success, which each test changes in one place.
///
/// Every member holds raw JSON text, so a test can put any value in it, valid or not; nil
/// leaves the member out.
struct CallbackBody {
    var merchantRequestID: String? = #""29115-34620561-1""#
    var checkoutRequestID: String? = #""ws_CO_191220191020363925""#
    var resultCode: String? = "0"
    var resultDescription: String? = #""The service request is processed successfully.""#
    var items: [String] = CallbackBody.successItems
    /// The whole `CallbackMetadata` value; when nil, an object with ``items`` is written.
    var callbackMetadata: String?
    var hasCallbackMetadata = true

    static let successItems = [
        item("Amount", "1.00"),
        item("MpesaReceiptNumber", #""NLJ7RT61SV""#),
        item("Balance", nil),
        item("TransactionDate", "20191219102115"),
        item("PhoneNumber", "254708374149"),
    ]

    /// A failure body, with no metadata.
    static func failure(code: String = "1032") -> CallbackBody {
        var body = CallbackBody()
        body.resultCode = code
        body.resultDescription = #""Request cancelled by user""#
        body.hasCallbackMetadata = false
        return body
    }

    /// A `CallbackMetadata` item, with raw JSON for its value (nil for no `Value`).
    static func item(_ name: String, _ value: String?) -> String {
        guard let value else {
            return #"{"Name":"\#(name)"}"#
        }
        return #"{"Name":"\#(name)","Value":\#(value)}"#
    }

    /// The body with the value of the item called `name` replaced (nil: the item has no Value).
    func settingItem(_ name: String, to value: String?) -> CallbackBody {
        var body = self
        body.items = items.map {
            $0.hasPrefix(#"{"Name":"\#(name)""#) ? Self.item(name, value) : $0
        }
        return body
    }

    /// The body without the item called `name`.
    func removingItem(_ name: String) -> CallbackBody {
        var body = self
        body.items.removeAll { $0.hasPrefix(#"{"Name":"\#(name)""#) }
        return body
    }

    var text: String {
        var members: [String] = []
        func add(_ key: String, _ value: String?) {
            if let value {
                members.append(#""\#(key)":\#(value)"#)
            }
        }
        add("MerchantRequestID", merchantRequestID)
        add("CheckoutRequestID", checkoutRequestID)
        add("ResultCode", resultCode)
        add("ResultDesc", resultDescription)
        if hasCallbackMetadata {
            add(
                "CallbackMetadata",
                callbackMetadata ?? #"{"Item":[\#(items.joined(separator: ","))]}"#)
        }
        return #"{"Body":{"stkCallback":{\#(members.joined(separator: ","))}}}"#
    }

    var bytes: [UInt8] {
        Array(text.utf8)
    }
}

/// Validates a body given as text.
func validate(_ text: String) -> Result<StkCallback, CallbackRejection> {
    CallbackValidator.validate(Array(text.utf8))
}

/// Validates a body built by ``CallbackBody``.
func validate(_ body: CallbackBody) -> Result<StkCallback, CallbackRejection> {
    CallbackValidator.validate(body.bytes)
}

extension Result {
    /// The failure, or nil for a success.
    var failure: Failure? {
        guard case .failure(let failure) = self else {
            return nil
        }
        return failure
    }

    /// The success value, or nil for a failure.
    var success: Success? {
        try? get()
    }
}

/// Parses text with the callback's depth limit and returns the error, or nil when it parses.
func syntaxError(_ text: String, maximumDepth: Int = 16) -> JSONSyntaxError? {
    syntaxError(Array(text.utf8), maximumDepth: maximumDepth)
}

/// Parses bytes and returns the error, or nil when they parse.
func syntaxError(_ bytes: [UInt8], maximumDepth: Int = 16) -> JSONSyntaxError? {
    do {
        _ = try StrictJSONParser.parse(bytes, maximumDepth: maximumDepth)
        return nil
    } catch {
        return error
    }
}

/// Parses text that the test expects to be valid.
func parse(_ text: String, maximumDepth: Int = 16) throws -> JSONValue {
    try StrictJSONParser.parse(text, maximumDepth: maximumDepth)
}
