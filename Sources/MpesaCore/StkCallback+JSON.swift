extension StkCallback {
    /// The callback written the way Safaricom sends it, for a simulator or a test to deliver.
    ///
    /// Numbers are written as production writes them: the amount with two decimals (`1.00`),
    /// `TransactionDate` as a 14-digit integer, and a digits-only `PhoneNumber` as an integer
    /// (any other phone text as a string). A success carries an empty `Balance` item, as real
    /// callbacks do. ``CallbackValidator`` reads the result back to an equal value.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 640)
        writer.beginObject()
        writer.key("Body")
        writer.beginObject()
        writer.key("stkCallback")
        writer.beginObject()

        writer.key("MerchantRequestID")
        writer.string(merchantRequestID)
        writer.key("CheckoutRequestID")
        writer.string(checkoutRequestID)
        writer.key("ResultCode")
        switch resultCode {
        case .number(let number): writer.integer(number)
        case .text(let text): writer.string(text)
        }
        writer.key("ResultDesc")
        writer.string(resultDescription)
        if let payment {
            writer.key("CallbackMetadata")
            Self.writeMetadata(of: payment, to: &writer)
        }

        writer.endObject()
        writer.endObject()
        writer.endObject()
        return writer.bytes
    }

    private static func writeMetadata(of payment: PaymentDetails, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("Item")
        writer.beginArray()

        writeItem("Amount", to: &writer) { writer in
            writer.number(JSONNumber(payment.amount))
        }
        writeItem("MpesaReceiptNumber", to: &writer) { writer in
            writer.string(payment.receiptNumber)
        }
        writeItem("Balance", to: &writer, value: nil)
        writeItem("TransactionDate", to: &writer) { writer in
            writeDigits(payment.transactionTime.compactDigits, to: &writer)
        }
        if let phoneNumber = payment.phoneNumber {
            writeItem("PhoneNumber", to: &writer) { writer in
                writeDigits(phoneNumber, to: &writer)
            }
        }

        writer.endArray()
        writer.endObject()
    }

    /// Writes digits as a JSON integer when they form one, and as a string otherwise (a masked
    /// number, or digits with a leading zero, which a JSON integer cannot have).
    private static func writeDigits(_ text: String, to writer: inout JSONWriter) {
        if let number = JSONNumber(text: text), number.isIntegerLiteral, !number.isNegative {
            writer.number(number)
        } else {
            writer.string(text)
        }
    }

    private static func writeItem(
        _ name: String, to writer: inout JSONWriter, value: ((inout JSONWriter) -> Void)?
    ) {
        writer.beginObject()
        writer.key("Name")
        writer.string(name)
        if let value {
            writer.key("Value")
            value(&writer)
        }
        writer.endObject()
    }
}
