/// The addresses Safaricom publishes as the sources of its callbacks: the one place in
/// the code that lists them (daraja/SPEC.md section 6, from Daraja's "Getting Started"
/// page).
///
/// The list changes from time to time and is not signed; other addresses have been seen
/// in other projects' lists. An operator who finds callbacks refused from a new
/// Safaricom address adds it to `MPESA_ALLOWED_SOURCES` beside the preset.
public enum SafaricomCallbackAddresses {
    /// The word that stands for this list in address settings, matched ignoring case.
    public static let presetName = "safaricom"

    /// The published IPv4 addresses, in the order Safaricom lists them.
    public static let published: [String] = [
        "196.201.214.200", "196.201.214.206", "196.201.213.114", "196.201.214.207",
        "196.201.214.208", "196.201.213.44", "196.201.212.127", "196.201.212.138",
        "196.201.212.129", "196.201.212.136", "196.201.212.74", "196.201.212.69",
    ]
}
