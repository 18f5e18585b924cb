import Foundation
import MpesaCore

/// Makes identifiers in the shapes Daraja uses, so that code developed
/// against the simulator meets nothing new in production.
struct DarajaIdentifiers {
    private var sequence = 0
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    private static let hexDigits = Array("0123456789abcdef")

    /// `ws_CO_` + `ddMMyyyyHHmmss` in Kenyan time + a three-digit counter +
    /// the payer's nine local digits, as Daraja writes them today.
    mutating func checkoutRequestID(now: Date, phoneNumber: String) -> String {
        let time = KenyanDateTime(date: now)
        let digits = time.compactDigits
        let year = digits.prefix(4)
        let month = digits.dropFirst(4).prefix(2)
        let day = digits.dropFirst(6).prefix(2)
        let clock = digits.dropFirst(8)
        sequence = (sequence + 1) % 1_000
        let counter = String(sequence + 1_000).dropFirst()
        return "ws_CO_\(day)\(month)\(year)\(clock)\(counter)\(phoneNumber.suffix(9))"
    }

    /// Hex groups such as `2654-4b64-97ff-b827b542881d3130`.
    func merchantRequestID() -> String {
        let hex = String((0..<28).map { _ in Self.hexDigits.randomElement() ?? "0" })
        let groups = [hex.prefix(4), hex.dropFirst(4).prefix(4), hex.dropFirst(8).prefix(4)]
        return groups.joined(separator: "-") + "-" + hex.dropFirst(12)
    }

    /// A ten-character receipt whose first three characters encode the
    /// date as real receipts do: year (`L` is 2017), month (`A` is January)
    /// and day (`1`-`9`, then `A` is the 10th).
    func receiptNumber(now: Date) -> String {
        let time = KenyanDateTime(date: now)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let year = letters[(time.year - 2017 + 11) % letters.count]
        let month = letters[time.month - 1]
        let days = Array("123456789ABCDEFGHIJKLMNOPQRSTUV")
        let day = days[time.day - 1]
        return String([year, month, day]) + random(7)
    }

    /// A 28-character opaque access token.
    func accessToken() -> String {
        random(28)
    }

    /// The `requestId` of an answer.
    func requestID() -> String {
        "\(Int.random(in: 1_000...99_999))-\(Int.random(in: 1_000_000...99_999_999))-1"
    }

    private func random(_ count: Int) -> String {
        String((0..<count).map { _ in Self.alphanumerics.randomElement() ?? "A" })
    }
}
