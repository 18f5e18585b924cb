import Foundation
import MpesaCore
import Testing

/// One body listed in a fixture manifest, with the outcome it must have.
struct Fixture: Decodable, CustomTestStringConvertible, Sendable {
    var file: String
    var expect: String
    var bytes: Int
    /// The rejection kind, where the manifest gives one.
    var kind: String?
    /// The folder the manifest sits in, under Tests/Fixtures.
    var folder = ""

    enum CodingKeys: String, CodingKey {
        case file, expect, bytes, kind
    }

    var testDescription: String {
        "\(folder)/\(file)"
    }

    var url: URL {
        Fixture.root.appendingPathComponent(folder).appendingPathComponent(file)
    }

    /// Tests/Fixtures, found from this source file so that tests run from any directory.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Every fixture of both manifests: the shared Daraja examples and the ones added here.
    static let all: [Fixture] = ["shared", "extra"].flatMap { folder in
        load(folder: folder)
    }

    private struct Manifest: Decodable {
        var fixtures: [Fixture]
    }

    private static func load(folder: String) -> [Fixture] {
        let url = root.appendingPathComponent(folder).appendingPathComponent("manifest.json")
        guard let data = try? Data(contentsOf: url),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
        else {
            // An empty list makes the count test below fail with a clear message.
            return []
        }
        return manifest.fixtures.map { fixture in
            var fixture = fixture
            fixture.folder = folder
            return fixture
        }
    }
}

/// What a success fixture must read as.
struct ExpectedPayment: Sendable {
    var amount: String
    var receipt: String
    var iso8601: String
    var secondsSince1970: Int64
    var phone: String?
}

/// The payment of every success fixture, written out by hand from the files.
let expectedPayments: [String: ExpectedPayment] = [
    "shared/ok_success_full.json": ExpectedPayment(
        amount: "1.00", receipt: "TLC4R8K2QX", iso8601: "2025-12-12T14:30:52+03:00",
        secondsSince1970: 1_765_539_052, phone: "254708374149"),
    "shared/edge_duplicate_delivery_of_ok_success_full.json": ExpectedPayment(
        amount: "1.00", receipt: "TLC4R8K2QX", iso8601: "2025-12-12T14:30:52+03:00",
        secondsSince1970: 1_765_539_052, phone: "254708374149"),
    "shared/ok_success_doc_sample_no_balance.json": ExpectedPayment(
        amount: "1.00", receipt: "NLJ7RT61SV", iso8601: "2019-12-19T10:21:15+03:00",
        secondsSince1970: 1_576_740_075, phone: "254708374149"),
    "shared/ok_success_integer_amount.json": ExpectedPayment(
        amount: "1.00", receipt: "RLA0R69NXM", iso8601: "2023-12-10T13:34:16+03:00",
        secondsSince1970: 1_702_204_456, phone: "254768130105"),
    "shared/ok_success_balance_with_value.json": ExpectedPayment(
        amount: "10500.00", receipt: "SGL7K2M4PQ", iso8601: "2024-07-21T12:53:10+03:00",
        secondsSince1970: 1_721_555_590, phone: "254708374149"),
    "shared/edge_phone_and_date_as_strings.json": ExpectedPayment(
        amount: "100.00", receipt: "TI99M3XQ2R", iso8601: "2025-09-09T09:10:11+03:00",
        secondsSince1970: 1_757_398_211, phone: "254708374149"),
    "shared/edge_extra_unknown_fields.json": ExpectedPayment(
        amount: "1.00", receipt: "PDL72WRAVZ", iso8601: "2021-04-21T11:44:25+03:00",
        secondsSince1970: 1_618_994_665, phone: "254708374149"),
    "extra/ok_success_exactly_64_KiB.json": standardExtraPayment,
    "extra/ok_success_utf8_bom.json": standardExtraPayment,
    "extra/ok_success_depth_16.json": standardExtraPayment,
    "extra/ok_success_items_shuffled.json": standardExtraPayment,
    "extra/ok_success_amount_string.json": ExpectedPayment(
        amount: "5.00", receipt: "TLC3H7K2PQ", iso8601: "2025-12-03T10:15:45+03:00",
        secondsSince1970: 1_764_746_145, phone: "254708374149"),
    "extra/ok_success_amount_exponent.json": ExpectedPayment(
        amount: "150.00", receipt: "TLC3H7K2PQ", iso8601: "2025-12-03T10:15:45+03:00",
        secondsSince1970: 1_764_746_145, phone: "254708374149"),
    "extra/ok_success_phone_absent.json": ExpectedPayment(
        amount: "1.00", receipt: "TLC3H7K2PQ", iso8601: "2025-12-03T10:15:45+03:00",
        secondsSince1970: 1_764_746_145, phone: nil),
    "extra/ok_success_phone_without_value.json": ExpectedPayment(
        amount: "1.00", receipt: "TLC3H7K2PQ", iso8601: "2025-12-03T10:15:45+03:00",
        secondsSince1970: 1_764_746_145, phone: nil),
    "extra/ok_success_phone_masked.json": ExpectedPayment(
        amount: "1.00", receipt: "TLC3H7K2PQ", iso8601: "2025-12-03T10:15:45+03:00",
        secondsSince1970: 1_764_746_145,
        phone: String(repeating: "a3f1c2", count: 10) + "beef"),
    "extra/ok_success_feb29_2024.json": ExpectedPayment(
        amount: "1.00", receipt: "TLC3H7K2PQ", iso8601: "2024-02-29T23:59:59+03:00",
        secondsSince1970: 1_709_240_399, phone: "254708374149"),
]

let standardExtraPayment = ExpectedPayment(
    amount: "1.00", receipt: "TLC3H7K2PQ", iso8601: "2025-12-03T10:15:45+03:00",
    secondsSince1970: 1_764_746_145, phone: "254708374149")

@Suite("Fixtures")
struct FixtureTests {
    @Test func bothManifestsAreReadAndListEveryFile() throws {
        #expect(Fixture.all.filter { $0.folder == "shared" }.count == 34)
        #expect(Fixture.all.filter { $0.folder == "extra" }.count >= 40)

        for folder in ["shared", "extra"] {
            let directory = Fixture.root.appendingPathComponent(folder)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0 != "manifest.json" }
            let listed = Fixture.all.filter { $0.folder == folder }.map(\.file)
            #expect(Set(files) == Set(listed), "every file in \(folder) has a manifest entry")
        }
    }

    @Test func everySuccessFixtureHasItsPaymentWrittenOut() {
        let successes = Set(Fixture.all.filter { $0.expect == "success" }.map(\.testDescription))
        #expect(successes == Set(expectedPayments.keys))
    }

    @Test(arguments: Fixture.all)
    func fixtureHasItsExpectedOutcome(_ fixture: Fixture) throws {
        let body = try [UInt8](Data(contentsOf: fixture.url))
        #expect(body.count == fixture.bytes, "the manifest's byte count matches the file")

        let result = CallbackValidator.validate(body)
        switch (fixture.expect, result) {
        case ("success", .success(let callback)):
            #expect(callback.resultCode == .number(0))
            let payment = try #require(callback.payment)
            let expected = try #require(expectedPayments[fixture.testDescription])
            #expect(payment.amount.text == expected.amount)
            #expect(payment.receiptNumber == expected.receipt)
            #expect(payment.transactionTime.iso8601 == expected.iso8601)
            #expect(payment.transactionTime.secondsSince1970 == expected.secondsSince1970)
            #expect(payment.phoneNumber == expected.phone)
        case ("failure", .success(let callback)):
            #expect(!callback.resultCode.isSuccess)
            #expect(callback.payment == nil)
        case ("rejected", .failure(let rejection)):
            #expect(rejection.kind != .tooLarge)
            if let kind = fixture.kind {
                #expect(rejection.kind.rawValue == kind, "\(rejection)")
            }
        case ("too_large", .failure(let rejection)):
            #expect(rejection.kind == .tooLarge)
        default:
            Issue.record("expected \(fixture.expect), got \(result)")
        }
    }
}
