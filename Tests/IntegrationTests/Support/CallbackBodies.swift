import Foundation

/// Builds realistic callback bodies with chosen identifiers.
enum CallbackBodies {
    /// A success as Safaricom sends it, with every metadata item.
    static func success(
        checkoutRequestID: String, receipt: String, amount: String = "1.00",
        transactionDate: String = "20251212143052", phone: String = "254708374149",
        merchantRequestID: String = "29115-34620561-1"
    ) -> Data {
        Data(
            """
            {"Body":{"stkCallback":{"MerchantRequestID":"\(merchantRequestID)",\
            "CheckoutRequestID":"\(checkoutRequestID)","ResultCode":0,\
            "ResultDesc":"The service request is processed successfully.",\
            "CallbackMetadata":{"Item":[{"Name":"Amount","Value":\(amount)},\
            {"Name":"MpesaReceiptNumber","Value":"\(receipt)"},{"Name":"Balance"},\
            {"Name":"TransactionDate","Value":\(transactionDate)},\
            {"Name":"PhoneNumber","Value":\(phone)}]}}}}
            """.utf8)
    }

    /// A failure such as a cancelled prompt.
    static func failure(checkoutRequestID: String, resultCode: Int = 1032) -> Data {
        Data(
            """
            {"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-2",\
            "CheckoutRequestID":"\(checkoutRequestID)","ResultCode":\(resultCode),\
            "ResultDesc":"Request cancelled by user"}}}
            """.utf8)
    }

    /// A distinct checkout request id for `index`.
    static func checkoutID(_ index: Int, run: String = "") -> String {
        "ws_CO_\(run)\(String(format: "%010d", index))"
    }

    /// A distinct 10-character receipt number for `index`.
    static func receipt(_ index: Int, prefix: String = "T") -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var value = index
        var characters: [Character] = []
        for _ in 0..<(10 - prefix.count) {
            characters.append(alphabet[value % alphabet.count])
            value /= alphabet.count
        }
        return prefix + String(characters.reversed())
    }
}
