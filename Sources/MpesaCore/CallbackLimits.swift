/// The bounds every STK callback body is checked against before and while it is parsed.
///
/// They are deliberately generous for real traffic (a callback is under 1 KiB and nests six
/// levels deep) and small enough that a hostile body cannot cost much memory or time.
public enum CallbackLimits {
    /// The largest body accepted, in bytes; a larger one is answered with 413.
    public static let maximumBodyBytes = 65_536

    /// The deepest nesting of objects and arrays accepted; the top-level object is depth 1.
    public static let maximumDepth = 16

    /// The longest `MerchantRequestID` or `CheckoutRequestID`, in Unicode scalars.
    public static let maximumIdentifierLength = 64

    /// The longest textual `ResultCode` (such as `SFC_IC0003`), in Unicode scalars.
    public static let maximumResultCodeTextLength = 64

    /// The longest `ResultDesc`, in Unicode scalars.
    public static let maximumResultDescriptionLength = 1_024

    /// The longest `PhoneNumber` kept, in Unicode scalars (a masked number may be a hash).
    public static let maximumPhoneNumberLength = 64
}
