import Foundation
import ServiceKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What became of one HTTP exchange with Daraja.
enum DarajaExchange: Sendable {
    /// Daraja (or a gateway before it) answered.
    case answered(status: Int, body: [UInt8])
    /// No connection could be made: nothing was sent.
    case notSent(DarajaTransportFailure)
    /// The exchange failed once the request may have been sent.
    case noAnswer(DarajaTransportFailure)
}

/// Why an exchange got no HTTP answer, as a local code and a message that
/// never holds a URL, a header or a body.
public struct DarajaTransportFailure: Sendable, Equatable, CustomStringConvertible {
    /// `connection_failed`, `tls_failed`, `timeout`, `connection_lost` or `exchange_failed`.
    public let code: String
    public let message: String

    public var description: String {
        "\(code): \(message)"
    }
}

/// Sends the sender's three kinds of request to Daraja over HTTPS.
///
/// Thread rules: any task; `URLSession` runs the exchange on its own threads.
struct DarajaClient: Sendable {
    let endpoint: DarajaEndpoint
    private let session: URLSession

    /// The largest answer read; Daraja's are a few hundred bytes.
    static let maximumAnswerBytes = 65_536

    init(endpoint: DarajaEndpoint, timeout: Duration) {
        self.endpoint = endpoint
        let configuration = URLSessionConfiguration.ephemeral
        let seconds =
            Double(timeout.components.seconds)
            + Double(timeout.components.attoseconds) / 1e18
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    /// Asks for an access token with the app's credentials (HTTP Basic).
    func requestToken(consumerKey: Secret, consumerSecret: Secret) async -> DarajaExchange {
        let credentials = Data("\(consumerKey.exposedValue):\(consumerSecret.exposedValue)".utf8)
        return await exchange(
            method: "GET", path: DarajaEndpoint.oauthPath,
            authorization: "Basic " + credentials.base64EncodedString(), body: nil)
    }

    /// Posts a JSON body with a bearer token.
    func post(path: String, body: [UInt8], token: Secret) async -> DarajaExchange {
        await exchange(
            method: "POST", path: path, authorization: "Bearer " + token.exposedValue,
            body: body)
    }

    private func exchange(
        method: String, path: String, authorization: String, body: [UInt8]?
    ) async -> DarajaExchange {
        guard let url = endpoint.url(path) else {
            return .notSent(DarajaTransportFailure(code: "connection_failed", message: "bad URL"))
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }

        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else {
                return .noAnswer(
                    DarajaTransportFailure(code: "exchange_failed", message: "not an HTTP answer"))
            }
            guard data.count <= Self.maximumAnswerBytes else {
                return .answered(status: http.statusCode, body: [])
            }
            return .answered(status: http.statusCode, body: Array(data))
        } catch {
            return Self.failure(error)
        }
    }

    /// Sorts a failed exchange by whether the request can have left.
    ///
    /// A refused or unresolvable connection, or a failed TLS handshake, sent
    /// nothing. A timeout cannot tell a slow connect from a lost answer, so
    /// it counts as possibly sent, like every other failure.
    static func failure(_ error: any Error) -> DarajaExchange {
        guard let urlError = error as? URLError else {
            return .noAnswer(
                DarajaTransportFailure(code: "exchange_failed", message: "HTTP exchange failed"))
        }
        let number = urlError.errorCode
        switch urlError.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet:
            return .notSent(
                DarajaTransportFailure(
                    code: "connection_failed",
                    message: "could not connect to Daraja (URL error \(number))"))
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot,
            .clientCertificateRejected, .clientCertificateRequired:
            return .notSent(
                DarajaTransportFailure(
                    code: "tls_failed", message: "TLS handshake failed (URL error \(number))"))
        case .timedOut:
            return .noAnswer(
                DarajaTransportFailure(code: "timeout", message: "no answer in time"))
        case .networkConnectionLost:
            return .noAnswer(
                DarajaTransportFailure(
                    code: "connection_lost", message: "connection lost before the answer"))
        default:
            return .noAnswer(
                DarajaTransportFailure(
                    code: "exchange_failed", message: "HTTP exchange failed (URL error \(number))"))
        }
    }
}
