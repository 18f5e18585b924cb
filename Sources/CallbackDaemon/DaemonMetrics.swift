import CallbackStore
import EventHTTP
import MpesaCore
import PostgresClient
import ServiceKit
import StkSender

/// Every metric the daemon exposes on `GET /metrics`, each family declared
/// once, with one method for each thing that a part of the daemon counts.
///
/// Families whose values are known from the start (callback outcomes,
/// rejection kinds, database states) show every label value from the first
/// scrape, at zero, so that a rate over them is defined. The families for
/// parts that report later or only sometimes (the spool, the sender, the
/// reconciler) show no sample until the part first reports: a zero that
/// nothing measured would be an invented value.
///
/// Thread rules: any thread; every child is an atomic.
final class DaemonMetrics: Sendable {
    /// The registry that `GET /metrics` renders.
    let registry = MetricsRegistry()
    /// Refused requests, dropped and open connections, previous tokens.
    let traffic: TrafficMetrics

    private let callbacks: [String: Counter]
    private let notRecorded: [String: Counter]
    private let rejections: [CallbackRejection.Kind: Counter]
    private let responses: CounterFamily
    private let requestDurations: [Listener: Histogram]
    private let requestsInFlight: [Listener: Gauge]
    private let commitDuration: Histogram
    private let batchSize: Histogram
    private let databaseStates: [(PostgresConnection.State, Gauge)]
    private let reloads: CounterFamily
    private let spoolDepth: GaugeFamily
    private let spoolAppended: CounterFamily
    private let spoolDrained: CounterFamily
    private let pushes: CounterFamily
    private let reconciliations: CounterFamily
    /// Log lines the queued sink dropped because the log reader fell behind;
    /// handed to the sink by `Daemon`, which is why it is not private.
    let logLinesDropped: Counter

    /// The outcomes of a callback that reached the daemon, as in POLICY.md.
    private static let outcomes = ["success", "failure", "rejected", "too_large"]

    /// Bounds for the number of callbacks in one transaction.
    private static let batchBuckets: [Double] = [
        1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1_024, 2_048, 5_000,
    ]

    init() {
        let family = registry.counterFamily(
            "mpesa_callbacks_total",
            help: "Callbacks answered, by outcome; success, failure and rejected once durable.",
            labelNames: ["outcome"])
        callbacks = Dictionary(uniqueKeysWithValues: Self.outcomes.map { ($0, family.labels($0)) })
        let unrecorded = registry.counterFamily(
            "mpesa_callbacks_not_recorded_total",
            help: "Callbacks answered 5xx because they could not be made durable, by reason.",
            labelNames: ["reason"])
        notRecorded = Dictionary(
            uniqueKeysWithValues: ["unavailable", "refused"].map { ($0, unrecorded.labels($0)) })
        let kinds = registry.counterFamily(
            "mpesa_callback_rejections_total",
            help: "Callback bodies rejected by validation, by the kind of rule broken.",
            labelNames: ["kind"])
        rejections = Dictionary(
            uniqueKeysWithValues: CallbackRejection.Kind.allCases.map {
                ($0, kinds.labels($0.rawValue))
            })

        responses = registry.counterFamily(
            "mpesa_http_responses_total",
            help: "HTTP answers sent, by listener and status, including those libevent wrote.",
            labelNames: ["listener", "status"])
        let durations = registry.histogramFamily(
            "mpesa_http_request_duration_seconds",
            help: "Time from a request reaching its handler to its answer, by listener.",
            labelNames: ["listener"], buckets: Histogram.secondsBuckets)
        requestDurations = Listener.each { durations.labels($0.rawValue) }
        let inFlight = registry.gaugeFamily(
            "mpesa_http_requests_in_flight",
            help: "Requests received and not yet answered, by listener.",
            labelNames: ["listener"])
        requestsInFlight = Listener.each { inFlight.labels($0.rawValue) }

        commitDuration = registry.histogram(
            "mpesa_database_commit_duration_seconds",
            help: "Time to write and commit one batch of callbacks.",
            buckets: Histogram.secondsBuckets)
        batchSize = registry.histogram(
            "mpesa_database_commit_batch_size",
            help: "Callbacks written in one committed transaction.", buckets: Self.batchBuckets)
        let states = registry.gaugeFamily(
            "mpesa_database_connection_state",
            help: "1 for the state the PostgreSQL connection is in, 0 for the others.",
            labelNames: ["state"])
        let allStates: [PostgresConnection.State] = [.disconnected, .connecting, .ready, .closed]
        databaseStates = allStates.map { ($0, states.labels($0.rawValue)) }

        registry.gaugeFamily(
            "mpesa_build_info", help: "Always 1; the version label names the build.",
            labelNames: ["version"]
        ).labels(ServiceVersion.current).set(1)
        logLinesDropped = registry.counter(
            "mpesa_log_lines_dropped_total",
            help: "Log lines dropped because standard error's reader fell behind.")
        reloads = registry.counterFamily(
            "mpesa_configuration_reloads_total",
            help: "Reloads asked for with SIGHUP, by result: applied or refused.",
            labelNames: ["result"])

        spoolDepth = registry.gaugeFamily(
            "mpesa_spool_depth", help: "Records in the local spool waiting to be drained.",
            labelNames: [])
        spoolAppended = registry.counterFamily(
            "mpesa_spool_appended_total",
            help: "Records written to the local spool because PostgreSQL could not take them.",
            labelNames: [])
        spoolDrained = registry.counterFamily(
            "mpesa_spool_drained_total",
            help: "Spooled records replayed into PostgreSQL.", labelNames: [])
        pushes = registry.counterFamily(
            "mpesa_stk_pushes_total",
            help: "STK pushes that entered each state of mpesa.stk_requests.",
            labelNames: ["state"])
        reconciliations = registry.counterFamily(
            "mpesa_reconciliation_queries_total",
            help: "STK queries made for unsettled pushes, by what they found.",
            labelNames: ["result"])
        traffic = TrafficMetrics(registry: registry)
    }

    /// Adds `GET /metrics` to `router`. It needs no token: nothing in it is
    /// secret. `sample` runs on the loop thread before each rendering, to
    /// copy in values that only the loop may read.
    func registerRoute(on router: AdminRouter, sample: @escaping () -> Void) {
        router.register(.get, "/metrics") { [self] request, _ in
            sample()
            request.respond(
                status: .ok, contentType: MetricsRegistry.contentType, text: registry.render())
        }
    }

    // MARK: Callbacks and HTTP

    /// Counts a callback once its answer is decided: its outcome when it was
    /// recorded, its reason when it was not.
    func callbackAnswered(_ verdict: Delivery.Verdict, _ outcome: DurableRecorder.Outcome) {
        switch (verdict, outcome) {
        case (.accepted(let callback), .committed), (.accepted(let callback), .spooled):
            callbacks[callback.resultCode.isSuccess ? "success" : "failure"]?.increment()
        case (.rejected(let rejection), .committed), (.rejected(let rejection), .spooled):
            callbacks["rejected"]?.increment()
            rejections[rejection.kind]?.increment()
        case (_, .failed):
            notRecorded["unavailable"]?.increment()
        case (_, .keptForReview):
            notRecorded["refused"]?.increment()
        }
        if case .spooled = outcome {
            spoolAppended()
        }
    }

    /// Counts every answer `server` sends as `listener`: its handlers' and
    /// those libevent writes by itself, which `onLibraryResponse` also gets.
    /// A 413 on the public listener is a callback over the size limit.
    func observe(
        _ server: HTTPServer, as listener: Listener, onLibraryResponse: ((Int) -> Void)? = nil
    ) {
        let durations = requestDurations[listener]
        server.onResponse = { [responses] status, duration in
            responses.labels(listener.rawValue, String(status.code)).increment()
            durations?.observe(duration)
        }
        let tooLarge = listener == .public ? callbacks["too_large"] : nil
        server.onLibraryResponse = { [responses] status in
            responses.labels(listener.rawValue, String(status)).increment()
            if status == 413 {
                tooLarge?.increment()
            }
            onLibraryResponse?(status)
        }
    }

    /// Records how many requests each listener has in flight.
    func setRequestsInFlight(_ count: Int, on listener: Listener) {
        requestsInFlight[listener]?.set(count)
    }

    // MARK: Database

    /// Records one committed batch.
    func batchCommitted(size: Int, after duration: Duration) {
        batchSize.observe(Double(size))
        commitDuration.observe(duration)
    }

    /// Records the state the PostgreSQL connection moved to.
    func databaseStateChanged(to state: PostgresConnection.State) {
        for (candidate, gauge) in databaseStates {
            gauge.set(candidate == state ? 1 : 0)
        }
    }

    /// Counts a SIGHUP reload.
    func reloadFinished(applied: Bool) {
        reloads.labels(applied ? "applied" : "refused").increment()
    }

    // MARK: For the spool

    /// Records the number of records waiting in the spool.
    func spoolDepthChanged(to depth: Int) {
        spoolDepth.labels().set(depth)
    }

    /// Counts records appended to the spool.
    func spoolAppended(_ count: Int = 1) {
        spoolAppended.labels().increment(by: count)
    }

    /// Counts spooled records replayed into PostgreSQL.
    func spoolDrained(_ count: Int = 1) {
        spoolDrained.labels().increment(by: count)
    }

    // MARK: For the sender and the reconciler

    /// Counts a push entering `state`.
    func pushEntered(_ state: StkRequestState) {
        pushes.labels(state.rawValue).increment()
    }

    /// Counts one reconciliation query by what it found.
    func reconciliationQueried(_ result: StkReconciler.Result) {
        reconciliations.labels(result.rawValue).increment()
    }
}
