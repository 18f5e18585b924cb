import Testing

@testable import StkSender

@Suite struct CallbackURLRuleTests {
    @Test(arguments: [
        "https://pay.example.co.ke/stk/callback/0123456789abcdef",
        "https://pay.example.co.ke:8443/stk/callback/abc?order=12",
        "http://127.0.0.1:8080/stk/callback/abc", "http://localhost:8080/stk/callback/abc",
        "http://[::1]:8080/stk/callback/abc", "http://127.8.9.10/x",
    ])
    func httpsAndLoopbackHTTPAreAccepted(_ url: String) {
        #expect(CallbackURLRule.problems(in: url) == [])
    }

    @Test(arguments: [
        "http://pay.example.co.ke/stk/callback/abc", "http://10.0.0.1/stk/callback/abc",
        "http://127.0.0.1.example.com/x",
    ])
    func plainHTTPElsewhereIsRefused(_ url: String) {
        #expect(
            CallbackURLRule.problems(in: url)
                == ["must use https; plain http is allowed only for a loopback host"])
    }

    @Test(arguments: ["ftp://pay.example.co.ke/x", "file:///tmp/x"])
    func otherSchemesAreRefused(_ url: String) {
        #expect(CallbackURLRule.problems(in: url).isEmpty == false)
    }

    @Test(arguments: [
        "https://pay.example.co.ke/stk callback", " https://pay.example.co.ke/x",
        "https://pay.example.co.ke/x\n", "https://pay.example.co.ke/\tx",
    ])
    func spacesAndControlCharactersAreRefused(_ url: String) {
        #expect(
            CallbackURLRule.problems(in: url) == ["must not hold spaces or control characters"])
    }

    @Test(arguments: ["pay.example.co.ke/x", "/stk/callback", "https://", "not a url"])
    func relativeOrHostlessURLsAreRefused(_ url: String) {
        #expect(CallbackURLRule.problems(in: url).isEmpty == false)
    }

    @Test func upperCaseHostIsRefused() {
        #expect(
            CallbackURLRule.problems(in: "https://Pay.Example.co.ke/x")
                == ["host must be lower case: Daraja has refused hosts with capitals"])
    }

    @Test(arguments: [
        ("https://mpesa.example.co.ke/x", "mpesa"),
        ("https://pay.example.co.ke/M-PESA/x", "m-pesa"),
        ("https://pay.example.co.ke/safaricom", "safaricom"),
        ("https://pay.example.co.ke/run.exe", "exe"),
        ("https://pay.example.co.ke/execute", "exe"),
        ("https://pay.example.co.ke/cmd", "cmd"),
        ("https://pay.example.co.ke/MySQL", "sql"),
        ("https://pay.example.co.ke/x?query=1", "query"),
    ])
    func wordsSafaricomRefusesAreNamed(_ url: String, _ word: String) {
        let problems = CallbackURLRule.problems(in: url)
        #expect(problems.count == 1)
        #expect(problems.first?.contains(word) == true, "\(problems)")
    }

    @Test func problemsNeverQuoteTheURL() {
        let secret = "s3cr3t-token-in-the-path"
        let url = "http://pay.example.co.ke/Mpesa/\(secret) x"
        for problem in CallbackURLRule.problems(in: url)
            + CallbackURLRule.problems(
                in: "http://pay.example.co.ke/Mpesa/\(secret)")
        {
            #expect(!problem.contains(secret))
        }
    }
}
