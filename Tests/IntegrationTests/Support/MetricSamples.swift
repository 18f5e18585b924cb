import Foundation

/// The samples of a Prometheus text page, for tests that check counters.
enum MetricSamples {
    /// Each sample line's value, by its name and labels as written.
    static func parse(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "),
                let value = Double(line[space...].dropFirst())
            else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }
}

extension DaemonProcess {
    /// The daemon's metrics now.
    func metrics() async throws -> [String: Double] {
        MetricSamples.parse(try await HTTPClient.shared.get(adminURL("/metrics")).text)
    }

    /// Posts `body` to the callback route over a connection of its own, with
    /// headers that may repeat, from a chosen loopback address.
    ///
    /// - Returns: the answer's status and body; nil when the connection closed first.
    func postCallback(
        _ body: Data, headers: [(String, String)] = [], from source: String? = nil,
        token: String = DaemonProcess.callbackToken
    ) async throws -> (status: Int, body: String)? {
        let port = publicPort
        var head =
            "POST /stk/callback/\(token) HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + "Connection: close\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        let request = Array((head + "\r\n").utf8) + Array(body)
        return try await RawHTTPConnection.perform {
            let connection = try RawHTTPConnection(port: port, from: source)
            connection.write(request)
            return connection.readResponse().map { ($0.status, $0.body) }
        }
    }
}
