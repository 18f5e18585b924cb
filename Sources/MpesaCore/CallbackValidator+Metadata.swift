extension CallbackValidator {
    /// One `CallbackMetadata` item the validator reads, found by its `Name`.
    private struct NamedItem {
        let index: Int
        let name: StaticString
        /// The node of the item's `Value`, when it has one.
        let value: Int?

        /// The item's `Value`, which a required item must have.
        func requiredValue() throws(CallbackRejection) -> Int {
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

    private static let metadataPath = "Body.stkCallback.CallbackMetadata"
    private static let itemsPath = "Body.stkCallback.CallbackMetadata.Item"

    private static func itemPath(_ index: Int) -> String {
        "\(itemsPath)[\(index)]"
    }

    /// Reads the payment from `CallbackMetadata`, which a success (code 0) must have.
    static func paymentDetails(
        _ tape: JSONTape, _ metadataNode: Int?
    ) throws(CallbackRejection) -> PaymentDetails {
        guard let metadataNode else {
            throw .missing(metadataPath, "required when ResultCode is 0, but missing")
        }
        let metadata = try requiredObject(tape, metadataNode, at: metadataPath)
        guard let items = tape.member(of: metadata, named: "Item") else {
            throw .missing(itemsPath)
        }
        guard tape.kind(at: items) == .array else {
            throw .wrongType(
                itemsPath, expected: "an array", found: tape.typeDescription(at: items))
        }
        guard tape.nodes[items].count > 0 else {
            throw .invalid(itemsPath, "must hold at least one item")
        }
        let found = try paymentItems(tape, in: items)

        let amount = try readAmount(tape, of: try required(found.amount, named: "Amount"))
        let receiptNumber = try readReceiptNumber(
            tape, of: try required(found.receiptNumber, named: "MpesaReceiptNumber"))
        let transactionTime = try readTransactionTime(
            tape, of: try required(found.transactionDate, named: "TransactionDate"))
        var phoneNumber: String?
        if let item = found.phoneNumber {
            phoneNumber = try readPhoneNumber(tape, of: item)
        }
        return PaymentDetails(
            amount: amount, receiptNumber: receiptNumber, transactionTime: transactionTime,
            phoneNumber: phoneNumber)
    }

    /// Checks every item's shape and finds the ones a payment needs, refusing repeated names.
    private static func paymentItems(
        _ tape: JSONTape, in items: Int
    ) throws(CallbackRejection) -> PaymentItems {
        var found = PaymentItems()
        var names = ItemNames(tape: tape)

        for (index, item) in tape.elements(of: items).enumerated() {
            guard tape.kind(at: item) == .object else {
                throw .wrongType(
                    itemPath(index), expected: "an object", found: tape.typeDescription(at: item))
            }
            guard let name = tape.member(of: item, named: "Name") else {
                throw .missing("\(itemPath(index)).Name")
            }
            guard tape.kind(at: name) == .string else {
                throw .wrongType(
                    "\(itemPath(index)).Name", expected: "a string",
                    found: tape.typeDescription(at: name))
            }
            guard !tape.string(at: name, equals: "") else {
                throw .invalid("\(itemPath(index)).Name", "must not be empty")
            }
            if let earlier = names.insert(name, at: index) {
                let text = tape.string(at: name)
                let shown = schemaNames.contains(text) ? "\"\(text)\"" : "the name"
                throw .invalid("\(itemPath(index)).Name", "repeats \(shown) of Item[\(earlier)]")
            }

            let value = tape.member(of: item, named: "Value")
            if tape.string(at: name, equals: "Amount") {
                found.amount = NamedItem(index: index, name: "Amount", value: value)
            } else if tape.string(at: name, equals: "MpesaReceiptNumber") {
                found.receiptNumber = NamedItem(
                    index: index, name: "MpesaReceiptNumber", value: value)
            } else if tape.string(at: name, equals: "TransactionDate") {
                found.transactionDate = NamedItem(
                    index: index, name: "TransactionDate", value: value)
            } else if tape.string(at: name, equals: "PhoneNumber") {
                found.phoneNumber = NamedItem(index: index, name: "PhoneNumber", value: value)
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
        _ tape: JSONTape, of item: NamedItem
    ) throws(CallbackRejection) -> Amount {
        let value = try item.requiredValue()
        let literal: DecimalLiteral?
        switch tape.kind(at: value) {
        case .number:
            literal = DecimalLiteral(validatedText: tape.number(at: value).text)
        case .string:
            let text = tape.string(at: value)
            guard Amount.isPlainDecimal(text) else {
                throw .invalid(
                    item.valuePath, "a string amount must be a plain decimal number such as 10.50")
            }
            literal = DecimalLiteral(validatedText: text)
        default:
            throw .wrongType(
                item.valuePath, expected: "a number or a string",
                found: tape.typeDescription(at: value))
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
        _ tape: JSONTape, of item: NamedItem
    ) throws(CallbackRejection) -> String {
        let value = try item.requiredValue()
        guard tape.kind(at: value) == .string else {
            throw .wrongType(
                item.valuePath, expected: "a string", found: tape.typeDescription(at: value))
        }
        let text = tape.string(at: value)
        guard text.utf8.count == 10, text.utf8.allSatisfy(isReceiptCharacter) else {
            throw .invalid(item.valuePath, "must be exactly 10 characters, each A-Z or 0-9")
        }
        return text
    }

    private static func isReceiptCharacter(_ byte: UInt8) -> Bool {
        JSONNumberGrammar.isDigit(byte) || byte &- UInt8(ascii: "A") < 26
    }

    private static func readTransactionTime(
        _ tape: JSONTape, of item: NamedItem
    ) throws(CallbackRejection) -> KenyanDateTime {
        let value = try item.requiredValue()
        var digits: String
        switch tape.kind(at: value) {
        case .number:
            let number = tape.number(at: value)
            guard !number.isNegative, number.isIntegerLiteral else {
                throw .invalid(
                    item.valuePath, "must be 14 digits, YYYYMMDDHHmmss, written as a whole number")
            }
            digits = number.text
        case .string:
            digits = tape.string(at: value)
        default:
            throw .wrongType(
                item.valuePath, expected: "a number or a string",
                found: tape.typeDescription(at: value))
        }

        guard digits.withUTF8(KenyanDateTime.packedDigits) != nil else {
            throw .invalid(item.valuePath, "must be 14 digits, YYYYMMDDHHmmss")
        }
        guard let time = KenyanDateTime(compactDigits: digits) else {
            throw .invalid(
                item.valuePath, "is not a real date and time (YYYYMMDDHHmmss, Kenyan time)")
        }
        return time
    }

    /// The payer's number as text, or nil when the item has no `Value`.
    private static func readPhoneNumber(
        _ tape: JSONTape, of item: NamedItem
    ) throws(CallbackRejection) -> String? {
        guard let value = item.value else {
            return nil
        }
        let limit = CallbackLimits.maximumPhoneNumberLength
        switch tape.kind(at: value) {
        case .number:
            let number = tape.number(at: value)
            guard !number.isNegative, number.isIntegerLiteral else {
                throw .invalid(item.valuePath, "a number must be a whole number, not negative")
            }
            guard number.text.utf8.count <= limit else {
                throw .invalid(item.valuePath, "must be at most \(limit) digits long")
            }
            return number.text
        case .string:
            let text = tape.string(at: value)
            let facts = TextFacts(text)
            guard facts.scalarCount > 0, facts.scalarCount <= limit else {
                throw .invalid(item.valuePath, "must be from 1 to \(limit) characters long")
            }
            guard !facts.hasControlCharacter else {
                throw .invalid(item.valuePath, "must not contain control characters")
            }
            return text
        default:
            throw .wrongType(
                item.valuePath, expected: "a number or a string",
                found: tape.typeDescription(at: value))
        }
    }
}

/// The item names seen so far, as string nodes of the tape.
///
/// Real callbacks have four or five items, whose names are compared one by one; a long hostile
/// list switches to a set of names so that it still costs linear time.
private struct ItemNames {
    let tape: JSONTape
    private var nodes: [Int] = []
    private var indexByName: [String: Int]?

    init(tape: JSONTape) {
        self.tape = tape
        nodes.reserveCapacity(8)
    }

    /// Records the name node `name` of the item at `index`.
    ///
    /// - Returns: The index of an earlier item with the same name, or nil when it is new.
    mutating func insert(_ name: Int, at index: Int) -> Int? {
        if indexByName == nil, nodes.count < JSONObject.linearSearchLimit {
            if let earlier = nodes.firstIndex(where: { tape.strings(at: $0, and: name) }) {
                return earlier
            }
            nodes.append(name)
            return nil
        }
        if indexByName == nil {
            var names: [String: Int] = [:]
            for (earlier, node) in nodes.enumerated() {
                names[tape.string(at: node)] = earlier
            }
            indexByName = names
        }
        return indexByName?.updateValue(index, forKey: tape.string(at: name))
    }
}
