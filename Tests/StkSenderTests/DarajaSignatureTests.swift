import Foundation
import MpesaCore
import Testing

@testable import StkSender

@Suite struct DarajaSignatureTests {
    @Test func passwordIsBase64OfShortCodePasskeyAndTimestamp() {
        // Safaricom's documented sample: the sandbox short code and passkey
        // at 2016-02-16 16:56:27.
        let password = DarajaSignature.password(
            shortCode: SandboxValues.shortCode, passkey: SandboxValues.passkey,
            timestamp: "20160216165627")
        #expect(
            password.exposedValue
                == "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJh"
                + "ZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3")
    }

    @Test func timestampIsKenyanTimeWhateverTheHostZone() {
        // 11:30:52 UTC is 14:30:52 in Nairobi, 03:30:52 in Los Angeles.
        let instant = Date(timeIntervalSince1970: 1_765_539_052)
        for zone in ["America/Los_Angeles", "Pacific/Kiritimati", "Asia/Kathmandu", "UTC"] {
            let signature = withHostTimeZone(zone) {
                DarajaSignature(
                    shortCode: SandboxValues.shortCode, passkey: SandboxValues.passkey,
                    date: instant)
            }
            #expect(signature.timestamp == "20251212143052", "\(zone)")
        }
    }

    @Test func kenyanNewYearComesBeforeTheHostsInLosAngeles() {
        // 2025-12-31 22:30 UTC: still the 31st in Los Angeles, 2026 in Nairobi.
        let instant = Date(timeIntervalSince1970: 1_767_220_200)
        let signature = withHostTimeZone("America/Los_Angeles") {
            DarajaSignature(
                shortCode: SandboxValues.shortCode, passkey: SandboxValues.passkey, date: instant)
        }
        #expect(signature.timestamp == "20260101013000")
    }

    @Test func passwordIsSignedWithTheTimestampItTravelsWith() throws {
        let signature = DarajaSignature(
            shortCode: SandboxValues.shortCode, passkey: SandboxValues.passkey)
        let decoded = try #require(Data(base64Encoded: signature.password.exposedValue))
        let plain = String(decoding: decoded, as: UTF8.self)
        #expect(
            plain == SandboxValues.shortCode + SandboxValues.passkey.exposedValue
                + signature.timestamp)
        #expect(KenyanDateTime(compactDigits: signature.timestamp) != nil)
    }

    @Test func passwordNeverPrints() {
        let signature = DarajaSignature(
            shortCode: SandboxValues.shortCode, passkey: SandboxValues.passkey)
        #expect("\(signature)".contains(signature.password.exposedValue) == false)
        #expect(String(reflecting: signature).contains(SandboxValues.passkey.exposedValue) == false)
    }
}
