import ServiceKit

extension ConfigurationReloader {
    /// Declares the previous tokens and the traffic settings: a reload applies the
    /// address lists, the rate limit and the previous tokens; the connection limits
    /// wait for a restart. `MPESA_RATE_LIMIT` stands for its burst too.
    func watchTrafficSettings(endpoint: CallbackEndpoint, router: AdminRouter) {
        onChange(
            of: "MPESA_CALLBACK_TOKEN_PREVIOUS", \.previousCallbackToken,
            differs: Self.secretsDiffer, apply: endpoint.updatePreviousToken)
        onChange(
            of: "MPESA_ADMIN_TOKEN_PREVIOUS", \.previousAdminToken, differs: Self.secretsDiffer,
            apply: router.updatePreviousToken)

        let sources = endpoint.sources
        onChange(
            of: "MPESA_ALLOWED_SOURCES", \.traffic.allowedSources, differs: !=,
            apply: sources.updateAllowedSources)
        onChange(
            of: "MPESA_TRUSTED_PROXIES", \.traffic.trustedProxies, differs: !=,
            apply: sources.updateTrustedProxies)
        onChange(
            of: "MPESA_RATE_LIMIT_EXEMPT", \.traffic.rateLimitExempt, differs: !=,
            apply: sources.updateRateLimitExempt)
        onChange(
            of: "MPESA_RATE_LIMIT", \.traffic.rateLimit, differs: !=,
            apply: sources.updateRateLimit)

        watchForRestart("MPESA_MAX_CONNECTIONS", \.traffic.maximumConnections, differs: !=)
        watchForRestart("MPESA_REQUEST_DEADLINE", \.traffic.requestDeadline, differs: !=)
        watchForRestart("MPESA_IDLE_TIMEOUT", \.traffic.idleTimeout, differs: !=)
    }
}
