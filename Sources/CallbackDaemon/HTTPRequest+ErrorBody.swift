import EventHTTP
import MpesaCore

extension HTTPRequest {
    /// Answers `status` with `{"error":error,"reason":reason}`: a constant
    /// code for programs and a sentence for the person reading it.
    func respond(status: HTTPStatus, error: String, reason: String) {
        var json = JSONWriter()
        json.beginObject()
        json.key("error")
        json.string(error)
        json.key("reason")
        json.string(reason)
        json.endObject()
        respond(status: status, body: json.bytes)
    }
}
