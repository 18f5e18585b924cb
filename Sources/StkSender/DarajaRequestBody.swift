import MpesaCore

/// The JSON bodies the sender posts to Daraja.
public enum DarajaRequestBody {
    /// The STK push request.
    ///
    /// Identifiers go as strings and the amount as an integer, forms Daraja
    /// accepts; only the documented fields are sent, since an extra one has
    /// made Daraja refuse requests.
    public static func stkPush(
        _ push: StkPush, configuration: SenderConfiguration, signature: DarajaSignature
    ) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 512)
        writer.beginObject()
        member("BusinessShortCode", configuration.shortCode, to: &writer)
        member("Password", signature.password.exposedValue, to: &writer)
        member("Timestamp", signature.timestamp, to: &writer)
        member("TransactionType", configuration.transactionType.rawValue, to: &writer)
        writer.key("Amount")
        writer.integer(push.amount.minorUnits / 100)
        member("PartyA", push.phoneNumber.digits, to: &writer)
        member("PartyB", configuration.partyB, to: &writer)
        member("PhoneNumber", push.phoneNumber.digits, to: &writer)
        member("CallBackURL", configuration.callbackURL.exposedValue, to: &writer)
        member("AccountReference", push.accountReference, to: &writer)
        member("TransactionDesc", push.transactionDescription, to: &writer)
        writer.endObject()
        return writer.bytes
    }

    /// The STK query request for one checkout request id.
    public static func stkQuery(
        checkoutRequestID: String, configuration: SenderConfiguration,
        signature: DarajaSignature
    ) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        member("BusinessShortCode", configuration.shortCode, to: &writer)
        member("Password", signature.password.exposedValue, to: &writer)
        member("Timestamp", signature.timestamp, to: &writer)
        member("CheckoutRequestID", checkoutRequestID, to: &writer)
        writer.endObject()
        return writer.bytes
    }

    private static func member(_ key: String, _ value: String, to writer: inout JSONWriter) {
        writer.key(key)
        writer.string(value)
    }
}
