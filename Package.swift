// swift-tools-version:6.0
//
// mpesa-callbackd: receives Safaricom M-Pesa Express (STK push) callbacks,
// records every result in PostgreSQL and starts STK pushes.
//
// Module layering (an arrow means "imports"):
//
//   mpesa-callbackd ─▶ CallbackDaemon ─▶ CallbackStore ─▶ PostgresClient ─▶ CLibPQ
//        │                  │   │              │                 │
//        │                  │   └▶ StkSender ──┘                 └▶ EventHTTP ─▶ CLibEvent
//        │                  └▶ EventHTTP, ServiceKit, MpesaCore
//   mpesa-stk   ─▶ StkSender ─▶ PostgresClient, EventHTTP, ServiceKit, MpesaCore
//   daraja-sim  ─▶ DarajaSimulator ─▶ EventHTTP, ServiceKit, MpesaCore
//
// Only EventHTTP and PostgresClient import the C modules. MpesaCore (the
// Daraja messages, validation, money and Kenyan-time rules) does no I/O.
// Locking (a value behind a pthread mutex, in place of the standard
// library's Mutex so that ThreadSanitizer runs stay exact) sits under
// EventHTTP, ServiceKit and CallbackStore.
import PackageDescription

let package = Package(
    name: "mpesa-callbackd",
    products: [
        .executable(name: "mpesa-callbackd", targets: ["mpesa-callbackd"]),
        .executable(name: "mpesa-stk", targets: ["mpesa-stk"]),
        .executable(name: "daraja-sim", targets: ["daraja-sim"]),
        .executable(name: "mpesa-loadgen", targets: ["mpesa-loadgen"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLibEvent",
            pkgConfig: "libevent_pthreads",
            providers: [.apt(["libevent-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "MpesaCore"),
        .target(name: "Locking"),
        .target(name: "EventHTTP", dependencies: ["CLibEvent", "Locking"]),
        .target(name: "PostgresClient", dependencies: ["CLibPQ", "EventHTTP"]),
        .target(name: "ServiceKit", dependencies: ["MpesaCore", "Locking"]),
        .target(
            name: "CallbackStore",
            dependencies: ["MpesaCore", "PostgresClient", "EventHTTP", "ServiceKit", "Locking"]
        ),
        .target(
            name: "StkSender",
            dependencies: ["MpesaCore", "ServiceKit", "PostgresClient", "EventHTTP"]
        ),
        .target(
            name: "CallbackDaemon",
            dependencies: [
                "MpesaCore", "EventHTTP", "PostgresClient", "CallbackStore", "ServiceKit",
                "StkSender",
            ]
        ),
        .executableTarget(name: "mpesa-callbackd", dependencies: ["CallbackDaemon"]),
        .executableTarget(
            name: "mpesa-stk",
            dependencies: ["StkSender", "ServiceKit", "MpesaCore", "PostgresClient", "EventHTTP"]
        ),
        .target(name: "DarajaSimulator", dependencies: ["MpesaCore", "EventHTTP", "ServiceKit"]),
        .executableTarget(name: "daraja-sim", dependencies: ["DarajaSimulator"]),
        .executableTarget(name: "mpesa-loadgen", dependencies: ["ServiceKit", "Locking"]),
        .testTarget(name: "MpesaCoreTests", dependencies: ["MpesaCore"]),
        .testTarget(name: "LockingTests", dependencies: ["Locking"]),
        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient"]),
        .testTarget(name: "ServiceKitTests", dependencies: ["ServiceKit", "Locking"]),
        .testTarget(name: "CallbackStoreTests", dependencies: ["CallbackStore", "MpesaCore"]),
        .testTarget(
            name: "StkSenderTests", dependencies: ["StkSender", "MpesaCore", "ServiceKit"]),
        .testTarget(
            name: "DarajaSimulatorTests",
            dependencies: ["DarajaSimulator", "StkSender", "MpesaCore", "ServiceKit"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "MpesaCore", "PostgresClient", "EventHTTP", "ServiceKit", "CallbackStore",
                "Locking",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
