import Foundation
import Testing

/// The sender's and the simulator's command lines, and the daemon without a sender.
@Suite struct SenderCommandTests {
    @Test func daemonWithoutSenderAnswersPushRoutes503() async throws {
        let token = SenderStack.adminToken
        try await withDaemon(environment: ["MPESA_ADMIN_TOKEN": token]) { daemon, database in
            let headers = ["Authorization": "Bearer \(token)"]
            let push = try await HTTPClient.shared.send(
                "POST", daemon.adminURL("/v1/stk-pushes"),
                body: Data(#"{"phone":"0708374149","amount":10,"reference":"A"}"#.utf8),
                headers: headers)
            #expect(push.status == 503)
            #expect(push.text == #"{"error":"sender_not_configured"}"#)
            let read = try await HTTPClient.shared.get(
                daemon.adminURL("/v1/stk-pushes/ws_CO_1"), headers: headers)
            #expect(read.status == 503)
            #expect(try database.count("mpesa.stk_requests") == 0)
        }
    }

    @Test func checkConfigNamesEachMissingDarajaVariable() throws {
        let result = try ChildProcess.run(
            TestEnvironment.program("mpesa-callbackd").path, ["--check-config"],
            environment: [
                "MPESA_CALLBACK_TOKEN": DaemonProcess.callbackToken,
                "DARAJA_SHORTCODE": "174379", "DARAJA_CONSUMER_SECRET": "a-consumer-secret",
            ])
        #expect(result.status == 78)
        for variable in ["DARAJA_CONSUMER_KEY", "DARAJA_PASSKEY", "DARAJA_CALLBACK_URL"] {
            #expect(result.errors.contains("\(variable): is required"), "\(variable)")
        }
        #expect(!result.errors.contains("DARAJA_SHORTCODE:"))
        #expect(!result.errors.contains("a-consumer-secret"))
    }

    @Test func invalidPushIsRefusedBeforeAnythingIsConnected() throws {
        let result = try ChildProcess.run(
            TestEnvironment.program("mpesa-stk").path,
            ["push", "--phone", "0208374149", "--amount", "10.5", "--reference", "INV001"])
        #expect(result.status == 65)
        #expect(result.errors.contains("mpesa-stk: phone: not a Kenyan mobile number"))
        #expect(result.errors.contains("mpesa-stk: amount: must be whole shillings"))
        #expect(!result.errors.contains("0208374149"))
        #expect(result.output.isEmpty)
    }

    @Test func stkCommandLineUsage() throws {
        let program = TestEnvironment.program("mpesa-stk").path
        #expect(try ChildProcess.run(program, ["--help"]).output.contains("mpesa-stk push"))
        #expect(try ChildProcess.run(program, ["--version"]).output.hasPrefix("mpesa-stk "))
        for arguments in [
            [], ["push"], ["push", "--phone", "0708374149"], ["query"], ["query", "a", "b"],
            ["query", "a", "--phone", "1"], ["refund"], ["push", "--bogus"],
        ] {
            #expect(try ChildProcess.run(program, arguments).status == 64, "\(arguments)")
        }
        let unconfigured = try ChildProcess.run(
            program, ["push", "--phone", "0708374149", "--amount", "1", "--reference", "A"])
        #expect(unconfigured.status == 78)
        #expect(unconfigured.errors.contains("DARAJA_PASSKEY: is required"))
    }

    @Test func simulatorCommandLine() throws {
        let program = TestEnvironment.program("daraja-sim").path
        let help = try ChildProcess.run(program, ["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("1032 cancelled"))
        #expect(try ChildProcess.run(program, ["--version"]).output.hasPrefix("daraja-sim "))
        #expect(try ChildProcess.run(program, ["--passkey", "x"]).status == 64)

        let unconfigured = try ChildProcess.run(program, ["--listen", "127.0.0.1:0"])
        #expect(unconfigured.status == 78)
        for variable in [
            "DARAJA_CONSUMER_KEY", "DARAJA_CONSUMER_SECRET", "DARAJA_SHORTCODE", "DARAJA_PASSKEY",
        ] {
            #expect(unconfigured.errors.contains(variable), "\(variable)")
        }
        var badDelay = SimulatorProcess.credentials
        badDelay["DARAJA_SIM_CALLBACK_DELAY"] = "soon"
        let invalid = try ChildProcess.run(program, [], environment: badDelay)
        #expect(invalid.status == 78)
        #expect(invalid.errors.contains("DARAJA_SIM_CALLBACK_DELAY"))
    }
}
