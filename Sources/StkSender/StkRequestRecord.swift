import MpesaCore
import PostgresClient

/// One row of `mpesa.stk_requests`, as the command line prints it and the
/// admin API returns it.
public struct StkRequestRecord: Sendable {
    /// Each column's name and text value (nil for NULL), in `columns` order.
    public let fields: [(name: String, value: String?)]

    /// The columns read, with times in ISO 8601. A constant list, so that
    /// every statement returning a request returns the same shape.
    static let columns = """
        id, state, checkout_request_id, merchant_request_id, phone_number, amount::text,
        account_reference, transaction_description, business_short_code, party_b,
        transaction_type, error_code, error_message, result_code, result_desc, settled_by,
        to_json(created_at) #>> '{}' AS created_at, to_json(updated_at) #>> '{}' AS updated_at,
        to_json(settled_at) #>> '{}' AS settled_at
        """

    /// Reads the first row of `rows`, when there is one.
    init?(_ rows: PostgresRows) {
        guard let row = rows.rows.first else { return nil }
        fields = zip(rows.columns, row).map { (name: $0, value: $1) }
    }

    /// The value of the column `name`.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value ?? nil
    }

    /// The row's id in `mpesa.stk_requests`.
    public var id: String { self["id"] ?? "" }

    /// The state; nil only if the database holds one this build does not know.
    public var state: StkRequestState? { self["state"].flatMap(StkRequestState.init) }

    public var checkoutRequestID: String? { self["checkout_request_id"] }

    /// Daraja's error code, or a local one such as `connection_failed`.
    public var errorCode: String? { self["error_code"] }

    public var errorMessage: String? { self["error_message"] }

    /// The row as one JSON object: `id` and `amount` as numbers, NULL as null.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 768)
        writer.beginObject()
        for (name, value) in fields {
            writer.key(name)
            if let value, name == "id" || name == "amount", let number = JSONNumber(text: value) {
                writer.number(number)
            } else if let value {
                writer.string(value)
            } else {
                writer.null()
            }
        }
        writer.endObject()
        return writer.bytes
    }
}
