import MpesaCore
import Testing

@testable import StkSender

@Suite struct StkPushValidationTests {
    private let order = StkPushOrder(
        phone: "0708374149", amount: "10", accountReference: "INV001",
        transactionDescription: "Order")

    private func problems(_ change: (inout StkPushOrder) -> Void) -> [StkPushProblem] {
        var changed = order
        change(&changed)
        guard case .failure(let invalid) = StkPush.validate(changed) else { return [] }
        return invalid.problems
    }

    @Test func validOrderBecomesThePushThatIsSent() throws {
        let push = try StkPush.validate(order).get()
        #expect(push.phoneNumber.digits == "254708374149")
        #expect(push.amount == Amount(minorUnits: 1_000))
        #expect(push.accountReference == "INV001")
        #expect(push.transactionDescription == "Order")
    }

    @Test func missingDescriptionIsThePlainDefault() throws {
        var noDescription = order
        noDescription.transactionDescription = nil
        #expect(try StkPush.validate(noDescription).get().transactionDescription == "Payment")
    }

    @Test(arguments: ["10.00", "10.0", "010", "250000", "1"])
    func wholeShillingsInAnyPlainSpellingAreAccepted(_ amount: String) throws {
        var changed = order
        changed.amount = amount
        #expect(try StkPush.validate(changed).get().amount.minorUnits % 100 == 0)
    }

    @Test(arguments: [
        ("10.50", "must be whole shillings: Daraja takes no cents"),
        ("0.99", "must be whole shillings: Daraja takes no cents"),
        ("0", "must be at least 1 shilling"),
        ("0.00", "must be at least 1 shilling"),
        ("-5", "not a plain number of shillings, such as 10"),
        ("1e3", "not a plain number of shillings, such as 10"),
        ("ten", "not a plain number of shillings, such as 10"),
        ("", "not a plain number of shillings, such as 10"),
        ("10.001", "not a plain number of shillings, such as 10"),
        ("1000000000000", "has more than 12 digits"),
    ])
    func amountRefusals(_ amount: String, _ message: String) {
        #expect(
            problems { $0.amount = amount } == [StkPushProblem(field: "amount", message: message)])
    }

    @Test func phoneRefusalNamesTheFormsAndNeverTheNumber() {
        let found = problems { $0.phone = "0208374149" }
        #expect(found.map(\.field) == ["phone"])
        #expect(found.first?.message.contains("07XXXXXXXX") == true)
        #expect(found.first?.message.contains("0208374149") == false)
    }

    @Test(arguments: [
        ("", "AccountReference must not be empty"),
        ("INV0000000013", "AccountReference has 13 characters; at most 12 are allowed"),
        ("INV#1", "AccountReference may hold only letters A-Z, digits, spaces and - . _"),
        ("A&B", "AccountReference may hold only letters A-Z, digits, spaces and - . _"),
        ("Café", "AccountReference may hold only letters A-Z, digits, spaces and - . _"),
        ("INV\n1", "AccountReference may hold only letters A-Z, digits, spaces and - . _"),
        (" INV1", "AccountReference must not start or end with a space"),
    ])
    func referenceRefusals(_ reference: String, _ message: String) {
        #expect(
            problems { $0.accountReference = reference }
                == [StkPushProblem(field: "reference", message: message)])
    }

    @Test(arguments: [
        ("", "TransactionDesc must not be empty"),
        ("Order 1234567", nil),
        ("Order 12345678", "TransactionDesc has 14 characters; at most 13 are allowed"),
        ("Order@shop", "TransactionDesc may hold only letters A-Z, digits, spaces and - . _"),
        ("Order ", "TransactionDesc must not start or end with a space"),
    ])
    func descriptionRefusals(_ description: String, _ message: String?) {
        #expect(
            problems { $0.transactionDescription = description }
                == message.map { [StkPushProblem(field: "description", message: $0)] } ?? [])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems {
            $0 = StkPushOrder(
                phone: "12345", amount: "1.5", accountReference: "", transactionDescription: "")
        }
        #expect(found.map(\.field) == ["phone", "amount", "reference", "description"])
    }
}
