import Foundation

/// The checks a `CallBackURL` passes before Daraja sees it.
///
/// Daraja wants HTTPS (the sandbox tolerates HTTP), and Safaricom refuses
/// URLs that hold certain words. The URL carries the receiver's secret path
/// token, so no message here quotes it.
public enum CallbackURLRule {
    /// Words Safaricom refuses in a URL, in any case.
    ///
    /// The list is published for C2B URL registration; applying it to the
    /// STK callback costs nothing and avoids a refusal nobody can explain.
    /// `exe` also covers `exec`.
    public static let refusedWords = ["m-pesa", "mpesa", "safaricom", "exe", "cmd", "sql", "query"]

    /// Every problem with `text` as a callback URL; empty when it may be sent.
    public static func problems(in text: String) -> [String] {
        guard !text.unicodeScalars.contains(where: Self.isSpaceOrControl) else {
            return ["must not hold spaces or control characters"]
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            let host = components.host, !host.isEmpty
        else {
            return ["is not an absolute URL such as https://host/path"]
        }

        var problems: [String] = []
        switch scheme.lowercased() {
        case "https":
            break
        case "http" where isLoopback(host):
            break
        case "http":
            problems.append("must use https; plain http is allowed only for a loopback host")
        default:
            problems.append("must use https")
        }
        if host.contains(where: \.isUppercase) {
            problems.append("host must be lower case: Daraja has refused hosts with capitals")
        }
        let lowered = text.lowercased()
        let found = refusedWords.filter { lowered.contains($0) }
        if !found.isEmpty {
            problems.append(
                "holds \(found.joined(separator: ", ")), which Safaricom refuses in URLs")
        }
        return problems
    }

    /// Whether `host` names this machine: `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let bare =
            host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" {
            return true
        }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127"
            && octets.allSatisfy { UInt8($0) != nil }
    }

    private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
    }
}
