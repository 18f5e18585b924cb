import Foundation
import Testing

/// `GET /metrics` on the admin listener, checked against what was sent.
@Suite struct MetricsEndpointTests {
    @Test func countsAMixedLoadExactlyAndPassesPromtool() async throws {
        try await withDaemon { daemon, _ in
            let client = HTTPClient.shared
            for index in 0..<3 {
                let body = CallbackBodies.success(
                    checkoutRequestID: CallbackBodies.checkoutID(index, run: "metrics"),
                    receipt: CallbackBodies.receipt(index, prefix: "M"))
                #expect(try await client.post(daemon.callbackURL, body).status == 200)
            }
            for index in 3..<5 {
                let body = CallbackBodies.failure(
                    checkoutRequestID: CallbackBodies.checkoutID(index, run: "metrics"))
                #expect(try await client.post(daemon.callbackURL, body).status == 200)
            }
            for body in [#"{"Body":{}}"#, "not json"] {
                #expect(try await client.post(daemon.callbackURL, Data(body.utf8)).status == 400)
            }
            #expect(try await daemon.postHeadOnly(announcing: 65_537).status == 413)
            for path in ["/stk/callback/wrong-token", "/elsewhere"] {
                let body = CallbackBodies.failure(checkoutRequestID: "ws_CO_lost")
                #expect(try await client.post(daemon.publicURL(path), body).status == 404)
            }

            let response = try await client.get(daemon.adminURL("/metrics"))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            let samples = MetricSamples.parse(response.text)

            #expect(samples[#"mpesa_callbacks_total{outcome="success"}"#] == 3)
            #expect(samples[#"mpesa_callbacks_total{outcome="failure"}"#] == 2)
            #expect(samples[#"mpesa_callbacks_total{outcome="rejected"}"#] == 2)
            #expect(samples[#"mpesa_callbacks_total{outcome="too_large"}"#] == 1)
            #expect(samples[#"mpesa_callback_rejections_total{kind="missing_field"}"#] == 1)
            #expect(samples[#"mpesa_callback_rejections_total{kind="invalid_json"}"#] == 1)
            let statuses = ["200": 5.0, "400": 2, "404": 2, "413": 1]
            for (status, count) in statuses {
                let name = #"mpesa_http_responses_total{listener="public",status="\#(status)"}"#
                #expect(samples[name] == count, "\(name)")
            }
            // Every answer but libevent's own 413 passed through a handler.
            #expect(samples[#"mpesa_http_request_duration_seconds_count{listener="public"}"#] == 9)
            // The batches held the five callbacks and two rejected bodies.
            #expect(samples["mpesa_database_commit_batch_size_sum"] == 7)
            #expect(samples[#"mpesa_database_connection_state{state="ready"}"#] == 1)
            #expect(samples[#"mpesa_http_requests_in_flight{listener="admin"}"#] == 1)
            #expect(samples.keys.contains { $0.hasPrefix("mpesa_build_info{version=") })

            // Every metric the alerting rules use is one the daemon declares.
            let rules = try String(
                contentsOf: TestEnvironment.repositoryRoot
                    .appendingPathComponent("deploy/prometheus/mpesa-callbackd.rules.yml"),
                encoding: .utf8)
            for name in Self.metricNames(in: rules) {
                let family = name.hasSuffix("_bucket") ? String(name.dropLast(7)) : name
                #expect(response.text.contains("# TYPE \(family) "), "\(name) in the rules")
            }

            let check = try ChildProcess.run(
                "/usr/bin/promtool", ["check", "metrics"], input: response.text)
            #expect(check.status == 0, "\(check.output)\(check.errors)")
        }
    }

    /// The `mpesa_…` names in a text, such as an alerting rule's expressions.
    private static func metricNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        var current = ""
        for character in text + " " {
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
                continue
            }
            if current.hasPrefix("mpesa_") {
                names.insert(current)
            }
            current = ""
        }
        return names
    }
}
