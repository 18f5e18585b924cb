import Foundation
import ServiceKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts callbacks to the `CallBackURL` of a push, as Safaricom does: JSON,
/// the short code in a `Businessshortcode` header, no credential, and no
/// retry when the receiver fails.
///
/// Thread rules: any task.
struct CallbackPoster: Sendable {
    private let session: URLSession
    private let shortCode: String
    private let logger: Logger

    init(shortCode: String, logger: Logger) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.timeoutIntervalForResource = 10
        session = URLSession(configuration: configuration)
        self.shortCode = shortCode
        self.logger = logger
    }

    /// Posts `body` to `url` `times` times in a row, logging each answer.
    ///
    /// The URL holds the receiver's secret token, so it is never logged.
    func deliver(_ body: [UInt8], to url: String, checkoutRequestID: String, times: Int) async {
        guard let target = URL(string: url) else {
            logger.warning("callback not delivered", [.checkoutRequestID: checkoutRequestID])
            return
        }
        var request = URLRequest(url: target)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json;charset=UTF-8", forHTTPHeaderField: "Content-Type")
        request.setValue(shortCode, forHTTPHeaderField: "Businessshortcode")
        for attempt in 1...max(times, 1) {
            do {
                let (_, response) = try await session.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                logger.info(
                    "callback delivered",
                    [.checkoutRequestID: checkoutRequestID, .status: status, .attempt: attempt])
            } catch {
                logger.warning(
                    "callback not delivered",
                    [
                        .checkoutRequestID: checkoutRequestID, .attempt: attempt,
                        .error: (error as? URLError).map { "URL error \($0.errorCode)" }
                            ?? "failed",
                    ])
            }
        }
    }
}
