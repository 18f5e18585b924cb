extension CallbackValidator {
    /// One `CallbackMetadata` item the validator reads, found by its `Name`.
    private struct NamedItem {
        let index: Int
        let name: String
        let value: JSONValue?

        /// The item's `Value`, which a required item must have.
        func requiredValue() throws(CallbackRejection) -> JSONValue {
            guard let value else {
                throw .missing(valuePath)
            }
            return value
        }

        /// Where the item's value is, with the item's name to help a person find it.
        var valuePath: String {
            "\(itemPath(index)).Value (\(name))"
        }
    }

    /// The items a payment is read from. Every other name is ignored.
    private struct PaymentItems {
        var amount: NamedItem?
        var receiptNumber: NamedItem?
        var transactionDate: NamedItem?
        var phoneNumber: NamedItem?
    }

    /// The item names seen so far. Real callbacks have four or five items, compared one by
    /// one; a long hostile list switches to hashing so that it still costs linear time.
    private struct NameSet {
        private var names: [String] = []
        private var indexByName: [String: Int]?

        /// Records `name` for the item at `index`.
        ///
        /// - Returns: The index of an earlier item with the same name, or nil when it is new.
        mutating func insert(_ name: String, at index: Int) -> Int? {
            if indexByName == nil, names.count < JSONObject.linearSearchLimit {
                if let earlier = names.firstIndex(of: name) {
                    return earlier
                }
                names.append(name)
                return nil
            }
            if indexByName == nil {
                indexByName = Dictionary(uniqueKeysWithValues: zip(names, names.indices))
            }
            return indexByName?.updateValue(index, forKey: name)
        }
    }

    private static let metadataPath = "Body.stkCallback.CallbackMetadata"
    private static let itemsPath = "Body.stkCallback.CallbackMetadata.Item"

    private static func itemPath(_ index: Int) -> String {
        "\(itemsPath)[\(index)]"
    }

    /// Reads the payment from `CallbackMetadata`, which a success (code 0) must have.
    static func paymentDetails(
        _ metadataValue: JSONValue?
    ) throws(CallbackRejection) -> PaymentDetails {
        guard let metadataValue else {
            throw .missing(metadataPath, "required when ResultCode is 0, but missing")
        }
        let metadata = try requiredObject(metadataValue, at: metadataPath)
        guard let itemsValue = metadata["Item"] else {
            throw .missing(itemsPath)
        }
        guard case .array(let items) = itemsValue else {
            throw .wrongType(itemsPath, expected: "an array", found: itemsValue)
        }
        guard !items.isEmpty else {
            throw .invalid(itemsPath, "must hold at least one item")
        }
        let found = try paymentItems(in: items)

        let amount = try readAmount(of: try required(found.amount, named: "Amount"))
        let receiptNumber = try readReceiptNumber(
            of: try required(found.receiptNumber, named: "MpesaReceiptNumber"))
        let transactionTime = try readTransactionTime(
            of: try required(found.transactionDate, named: "TransactionDate"))
        var phoneNumber: String?
        if let item = found.phoneNumber {
            phoneNumber = try readPhoneNumber(of: item)
        }
        return PaymentDetails(
            amount: amount, receiptNumber: receiptNumber, transactionTime: transactionTime,
            phoneNumber: phoneNumber)
    }

    /// Checks every item's shape and finds the ones a payment needs, refusing repeated names.
    private static func paymentItems(
        in items: [JSONValue]
    ) throws(CallbackRejection) -> PaymentItems {
        var found = PaymentItems()
        var names = NameSet()

        for (index, itemValue) in items.enumerated() {
            guard case .object(let item) = itemValue else {
                throw .wrongType(itemPath(index), expected: "an object", found: itemValue)
            }
            guard let nameValue = item["Name"] else {
                throw .missing("\(itemPath(index)).Name")
            }
            guard case .string(let name) = nameValue else {
                throw .wrongType("\(itemPath(index)).Name", expected: "a string", found: nameValue)
            }
            guard !name.isEmpty else {
                throw .invalid("\(itemPath(index)).Name", "must not be empty")
            }
            if let earlier = names.insert(name, at: index) {
                let shown = schemaNames.contains(name) ? "\"\(name)\"" : "the name"
                throw .invalid("\(itemPath(index)).Name", "repeats \(shown) of Item[\(earlier)]")
            }

            let named = NamedItem(index: index, name: name, value: item["Value"])
            switch name {
            case "Amount": found.amount = named
            case "MpesaReceiptNumber": found.receiptNumber = named
            case "TransactionDate": found.transactionDate = named
            case "PhoneNumber": found.phoneNumber = named
            default: break
            }
        }
        return found
    }

    /// A required item, which must be present.
    private static func required(
        _ item: NamedItem?, named name: String
    ) throws(CallbackRejection) -> NamedItem {
        guard let item else {
            throw .missing(itemsPath, "no item is named \"\(name)\"")
        }
        return item
    }

    private static func readAmount(
        of item: NamedItem
    ) throws(CallbackRejection) -> Amount {
        let value = try item.requiredValue()
        let literal: DecimalLiteral?
        switch value {
        case .number(let number):
            literal = DecimalLiteral(validatedText: number.text)
        case .string(let text):
            guard Amount.isPlainDecimal(text) else {
                throw .invalid(
                    item.valuePath,
                    "a string amount must be a plain decimal number such as 10.50")
            }
            literal = DecimalLiteral(validatedText: text)
        default:
            throw .wrongType(item.valuePath, expected: "a number or a string", found: value)
        }

        // More than 38 significant digits cannot fit 12 before the point and 2 after it.
        guard let literal else {
            throw .invalid(
                item.valuePath, "must have at most 12 digits before the point and 2 after it")
        }
        guard !literal.isNegative, !literal.isZero else {
            throw .invalid(item.valuePath, "must be greater than 0")
        }
        guard literal.fractionDigitCount <= 2 else {
            throw .invalid(item.valuePath, "must have at most 2 decimal places")
        }
        guard literal.integerDigitCount <= 12, let cents = Amount.exactMinorUnits(of: literal)
        else {
            throw .invalid(item.valuePath, "must have at most 12 digits before the point")
        }
        return Amount(minorUnits: cents)
    }

    private static func readReceiptNumber(
        of item: NamedItem
    ) throws(CallbackRejection) -> String {
        let value = try item.requiredValue()
        guard case .string(let text) = value else {
            throw .wrongType(item.valuePath, expected: "a string", found: value)
        }
        let isWellFormed =
            text.utf8.count == 10
            && text.utf8.allSatisfy { byte in
                JSONNumberGrammar.isDigit(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            }
        guard isWellFormed else {
            throw .invalid(
                item.valuePath, "must be exactly 10 characters, each A-Z or 0-9")
        }
        return text
    }

    private static func readTransactionTime(
        of item: NamedItem
    ) throws(CallbackRejection) -> KenyanDateTime {
        let value = try item.requiredValue()
        let digits: String
        switch value {
        case .number(let number):
            guard !number.isNegative, number.isIntegerLiteral else {
                throw .invalid(
                    item.valuePath,
                    "must be 14 digits, YYYYMMDDHHmmss, written as a whole number")
            }
            digits = number.text
        case .string(let text):
            digits = text
        default:
            throw .wrongType(
                item.valuePath, expected: "a number or a string", found: value)
        }

        guard digits.utf8.count == 14, digits.utf8.allSatisfy(JSONNumberGrammar.isDigit) else {
            throw .invalid(item.valuePath, "must be 14 digits, YYYYMMDDHHmmss")
        }
        guard let time = KenyanDateTime(compactDigits: digits) else {
            throw .invalid(
                item.valuePath, "is not a real date and time (YYYYMMDDHHmmss, Kenyan time)")
        }
        return time
    }

    /// The payer's number as text, or nil when the item has no `Value`.
    private static func readPhoneNumber(of item: NamedItem) throws(CallbackRejection) -> String? {
        let limit = CallbackLimits.maximumPhoneNumberLength
        switch item.value {
        case nil:
            return nil
        case .number(let number):
            guard !number.isNegative, number.isIntegerLiteral else {
                throw .invalid(item.valuePath, "a number must be a whole number, not negative")
            }
            guard number.text.utf8.count <= limit else {
                throw .invalid(item.valuePath, "must be at most \(limit) digits long")
            }
            return number.text
        case .string(let text):
            let facts = TextFacts(text)
            guard facts.scalarCount > 0, facts.scalarCount <= limit else {
                throw .invalid(item.valuePath, "must be from 1 to \(limit) characters long")
            }
            guard !facts.hasControlCharacter else {
                throw .invalid(item.valuePath, "must not contain control characters")
            }
            return text
        case let other?:
            throw .wrongType(item.valuePath, expected: "a number or a string", found: other)
        }
    }
}
