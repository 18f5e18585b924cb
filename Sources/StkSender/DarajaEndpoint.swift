import Foundation

/// Where Daraja is: Safaricom's sandbox, production, or another base URL
/// such as a local `daraja-sim`.
public struct DarajaEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The base URL without a trailing slash, such as `https://api.safaricom.co.ke`.
    public let baseURL: String
    /// `sandbox`, `production` or `custom`, for log lines.
    public let name: String

    public static let sandbox = DarajaEndpoint(
        baseURL: "https://sandbox.safaricom.co.ke", name: "sandbox")
    public static let production = DarajaEndpoint(
        baseURL: "https://api.safaricom.co.ke", name: "production")

    /// The paths of the three calls the sender makes.
    static let oauthPath = "/oauth/v1/generate?grant_type=client_credentials"
    static let pushPath = "/mpesa/stkpush/v1/processrequest"
    static let queryPath = "/mpesa/stkpushquery/v1/query"

    private init(baseURL: String, name: String) {
        self.baseURL = baseURL
        self.name = name
    }

    /// Reads `sandbox`, `production` (any case) or an `http`/`https` URL
    /// with a host and nothing after its path.
    ///
    /// - Returns: nil for anything else.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "sandbox":
            self = .sandbox
            return
        case "production":
            self = .production
            return
        default:
            break
        }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            components.host?.isEmpty == false, components.query == nil,
            components.fragment == nil, components.user == nil
        else {
            return nil
        }
        var base = text
        while base.hasSuffix("/") {
            base.removeLast()
        }
        self.init(baseURL: base, name: "custom")
    }

    /// The URL of a call, such as `DarajaEndpoint.pushPath`.
    func url(_ path: String) -> URL? {
        URL(string: baseURL + path)
    }

    /// The name, and the base URL for a custom one.
    public var description: String {
        name == "custom" ? baseURL : name
    }
}
